using OecCloudFw.Core;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Harden;

/// <summary>
/// <c>server harden</c>: proves a key login in a new session before anything changes, then applies the sshd drop-in
/// the way every firewall change is applied (rollback armed on the server, sshd's files in the snapshot, a new key-only
/// SSH connection after the reload, then the confirmation); if the new connection fails, the server restores sshd's
/// files and reloads it.
/// </summary>
public sealed class ServerHardener(IServerShell shell, TimeProvider time)
{
    /// <param name="root">What PermitRootLogin becomes.</param>
    /// <param name="fail2Ban">fail2ban's sshd jail on the ports in use (the management sources are never banned); null leaves fail2ban alone.</param>
    /// <param name="dryRun">Print, change nothing.</param>
    /// <param name="confirmTimeout">Seconds after which the server restores unless a new connection confirmed.</param>
    /// <param name="cancellationToken">Stops the command.</param>
    public async Task<HardenResult> HardenAsync(RootLogin root, Fail2BanOptions? fail2Ban, bool dryRun, TimeSpan confirmTimeout, CancellationToken cancellationToken = default)
    {
        var ssh = KeyLogin.Require(shell);
        if (root == RootLogin.No && ssh.User == "root")
        {
            throw new InvalidInputException(
                "--root-login no needs a non-root user with a key and sudo, proven in a new session: connect as that user (--user NAME), not as root");
        }

        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        if (!facts.IsRoot)
        {
            throw new LayerFailureException($"{shell.Target}: the commands do not run as root (sudo -n did not give root)");
        }

        var frontend = fail2Ban is null ? null : fail2Ban.Frontend ?? Fail2BanJail.ActiveFrontend(facts);
        var jail = fail2Ban is null ? [] : Fail2BanJail.Plan(facts, frontend!, fail2Ban.ManagementSources);
        // A jail that already runs as planned is checked too: a filter that matches none of sshd's recent failure lines
        // (sshd upgraded to 9.8, say) is proven again, with the override.
        var kept = fail2Ban is not null && jail.Count == 0 ? await Fail2BanFilter.CheckAsync(shell, facts, cancellationToken) : null;
        if (kept is { Misses: true })
        {
            jail = Fail2BanJail.Plan(facts, frontend!, fail2Ban!.ManagementSources, force: true);
        }

        var commands = SshHardening.Plan(facts, root).Concat(jail).ToList();
        if (dryRun)
        {
            return new HardenResult(commands, true, null,
                "dry run: nothing was changed" + (kept is { Misses: true } ? $"; fail2ban's filter misses sshd's failures ({kept.Describe()}): the change proves it again with the override" : string.Empty));
        }

        if (commands.Count == 0)
        {
            return new HardenResult(commands, false, null, "already hardened: sshd takes keys only" +
                (fail2Ban is null ? string.Empty : " and fail2ban's sshd jail runs as planned" + (kept is null ? string.Empty : $" ({kept.Describe()})")) + "; no change made");
        }

        // The key login (and, for a non-root user, its sudo) is proven in a new session before anything changes.
        await KeyLogin.ProveAsync(shell, cancellationToken);

        var (outcome, detail) = await new RollbackArmedApply(shell, time).ApplyAsync(commands, confirmTimeout, null, cancellationToken);
        // What the change proved of fail2ban's filter, before it was confirmed (a filter that could not be made to match
        // failed the change, with the reason, and everything was restored).
        if (outcome == ApplyOutcome.Confirmed && jail.Count > 0 && await Fail2BanFilter.ReadProofAsync(shell, cancellationToken) is { } proof)
        {
            detail = $"{detail}; {proof.Describe()}";
        }

        return new HardenResult(commands, false, outcome, detail);
    }
}
