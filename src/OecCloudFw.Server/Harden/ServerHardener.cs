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

        var commands = SshHardening.Plan(facts, root)
            .Concat(fail2Ban is null ? [] : Fail2BanJail.Plan(facts, fail2Ban.Frontend ?? Fail2BanJail.ActiveFrontend(facts), fail2Ban.ManagementSources))
            .ToList();
        if (dryRun)
        {
            return new HardenResult(commands, true, null, "dry run: nothing was changed");
        }

        if (commands.Count == 0)
        {
            return new HardenResult(commands, false, null, "already hardened: sshd takes keys only" + (fail2Ban is null ? string.Empty : " and fail2ban's sshd jail runs as planned") + "; no change made");
        }

        // The key login (and, for a non-root user, its sudo) is proven in a new session before anything changes.
        await KeyLogin.ProveAsync(shell, cancellationToken);

        var (outcome, detail) = await new RollbackArmedApply(shell, time).ApplyAsync(commands, confirmTimeout, null, cancellationToken);
        return new HardenResult(commands, false, outcome, detail);
    }
}
