using OecCloudFw.Core;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>--confirm-timeout</c> of every rollback-armed change: the seconds after which the server restores what it had unless a new SSH connection has confirmed the change.</summary>
internal static class ConfirmTimeout
{
    public static TimeSpan Parse(int seconds) =>
        seconds is < 3 or > 3600 ? throw new InvalidInputException("--confirm-timeout must be 3-3600 seconds") : TimeSpan.FromSeconds(seconds);
}
