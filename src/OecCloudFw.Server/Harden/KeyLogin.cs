using OecCloudFw.Core;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Harden;

/// <summary>
/// Password logins go off only once a key login is proven: the connection must be SSH with a key and no password
/// (<see cref="Require"/>, before anything is read), and a new key-only login must succeed before the change
/// (<see cref="ProveAsync"/>). Shared by <c>server harden</c> and <c>apply --harden</c>.
/// </summary>
internal static class KeyLogin
{
    public static SshShell Require(IServerShell shell) => shell as SshShell is { KeyOnly: true } ssh
        ? ssh
        : throw new InvalidInputException(
            "password logins are turned off only after a key login is proven in a new session: connect over SSH with a key (--host with --identity or an agent key, not --password-env or --local)");

    public static async Task ProveAsync(IServerShell shell, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shell);
        if (!await shell.ProbeNewConnectionAsync(TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new LayerFailureException($"{shell.Target}: a new key-only SSH login failed before any change; nothing was changed: check the key and sshd");
        }
    }
}
