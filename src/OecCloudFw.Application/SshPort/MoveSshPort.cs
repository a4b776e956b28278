using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Providers;
using OecCloudFw.Server.SshPort;

namespace OecCloudFw.Application.SshPort;

/// <summary>
/// The ssh-port use case: moves SSH to another port across both layers (open the new port in the cloud layer and the
/// server's firewall, make sshd listen on it, prove a new login there, then close the old one; never closed before the
/// new one is proven).
/// </summary>
/// <param name="environment">Where settings and credentials are read.</param>
/// <param name="time">The clock.</param>
public sealed class MoveSshPort(IEnvironment environment, TimeProvider time)
{
    public async Task<SshPortMoved> RunAsync(MoveSshPortInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Server.Resolve(environment) is { ProxyCommand: { } proxy } && !input.DryRun)
        {
            // Its %p was expanded to the current port: a login on the new port could never be proven through it, so
            // the move would always roll back. Said before anything changes.
            throw new InvalidInputException(
                $"ssh-port cannot prove a login on port {input.To} through the ProxyCommand '{proxy}' (it names the current port): " +
                "move the port over a direct connection or --jump, then update the ProxyCommand");
        }

        using var cloudLayer = await CloudLayers.CreateAsync(input.Cloud, environment, null, cancellationToken);
        await using var shell = await input.Server.ConnectAsync(environment, cancellationToken);
        var result = await new SshPortMover(shell, time)
            .MoveAsync(input.To, input.Policy, cloudLayer?.Layer, input.DryRun, input.ConfirmTimeout, input.AllowLockoutRisk, cancellationToken);
        return new SshPortMoved(shell.Target, result);
    }
}

/// <summary>What to move, and how.</summary>
/// <param name="Server">The server's connection inputs.</param>
/// <param name="Cloud">The cloud layer in front of it (none: the server only).</param>
/// <param name="Policy">The policy the firewalls are held to, with the new port as its SSH port.</param>
/// <param name="To">The new SSH port.</param>
/// <param name="DryRun">Say every step, change nothing.</param>
/// <param name="ConfirmTimeout">After this, the server restores each step's previous state unless a new login on the new port confirmed it.</param>
/// <param name="AllowLockoutRisk">Go on (warned) when the new port would not definitely admit the operator's own address.</param>
public sealed record MoveSshPortInput(SshTarget Server, CloudFlags Cloud, FirewallPolicy Policy, int To, bool DryRun, TimeSpan ConfirmTimeout, bool AllowLockoutRisk);

/// <summary>The move, step by step, on <paramref name="Server"/>.</summary>
/// <param name="Server">The server as the connection names it (root@host:22, local).</param>
/// <param name="Result">Each step, how it ended, what was left open.</param>
public sealed record SshPortMoved(string Server, SshPortMoveResult Result);
