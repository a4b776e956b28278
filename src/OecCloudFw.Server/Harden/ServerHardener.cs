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
        if (shell is not SshShell { KeyOnly: true } ssh)
        {
            throw new InvalidInputException(
                "server harden turns password logins off only after a key login is proven in a new session: connect over SSH with a key (--host with --identity or an agent key, not --password-env or --local)");
        }

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
        if (!await shell.ProbeNewConnectionAsync(TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new LayerFailureException($"{shell.Target}: a new key-only SSH login failed before any change; nothing was changed: check the key and sshd");
        }

        var (outcome, detail) = await new RollbackArmedApply(shell, time).ApplyAsync(commands, confirmTimeout, null, cancellationToken);
        return new HardenResult(commands, false, outcome, detail);
    }
}
