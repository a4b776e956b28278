using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Application.Policies;

/// <summary><c>policy show --host</c>: the policy a server is held to, the one the flags give or the one recorded there, and a note saying which.</summary>
public static class ServerPolicy
{
    /// <summary>The policy <paramref name="target"/> is held to and the note naming where it came from.</summary>
    /// <param name="target">The server (or this machine).</param>
    /// <param name="given">The policy from the flags (the defaults when none shapes it).</param>
    /// <param name="flagsGiven">True when a policy file or a flag shaping the policy was given: it overrides the record.</param>
    /// <param name="environment">Environment variables.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<(FirewallPolicy Policy, string Note)> ReadAsync(SshTarget target, FirewallPolicy given, bool flagsGiven, IEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using var shell = await target.ConnectAsync(environment, cancellationToken);
        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        return flagsGiven ? (given, $"policy: as the flags give it (they override what {shell.Target} recorded)")
            : facts.AppliedPolicy is { } applied ? (RememberedPolicy.Parse(applied, shell.Target), $"policy: {applied.Summary} ({AppliedPolicy.Path} on {shell.Target})")
            : (given, $"policy: none is recorded on {shell.Target} ({AppliedPolicy.Path}): the defaults");
    }
}
