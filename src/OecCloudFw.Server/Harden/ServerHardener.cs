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
    public async Task<HardenResult> HardenAsync(RootLogin root, bool dryRun, TimeSpan confirmTimeout, CancellationToken cancellationToken = default)
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

        var commands = SshHardening.Plan(facts, root);
        if (dryRun)
        {
            return new HardenResult(commands, true, null, "dry run: nothing was changed");
        }

        if (commands.Count == 0)
        {
            return new HardenResult(commands, false, null, "already hardened: sshd takes keys only; no change made");
        }

        // The key login (and, for a non-root user, its sudo) is proven in a new session before anything changes.
        await KeyLogin.ProveAsync(shell, cancellationToken);

        var (outcome, detail) = await new RollbackArmedApply(shell, time).ApplyAsync(commands, confirmTimeout, null, cancellationToken);
        return new HardenResult(commands, false, outcome, detail);
    }
}
