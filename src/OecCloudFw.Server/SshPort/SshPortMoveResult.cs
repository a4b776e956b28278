using OecCloudFw.Core.Layers;

namespace OecCloudFw.Server.SshPort;

/// <summary>What <c>server ssh-port</c> did.</summary>
/// <param name="From">The port SSH was on (this connection's).</param>
/// <param name="To">The port SSH moves to.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Detail">What happened, in words.</param>
/// <param name="Steps">Every change, step by step, as run (or as it would run on a dry run).</param>
/// <param name="Cloud">The cloud layer's changes (rules created on the new port, removed on the old), or null without one.</param>
/// <param name="LeftOpen">Rules that still admit the old port and are not the tool's to remove (someone else's cloud rules, iptables rules).</param>
public sealed record SshPortMoveResult(
    int From,
    int To,
    SshPortMoveOutcome Outcome,
    string Detail,
    IReadOnlyList<SshPortStep> Steps,
    CloudApplyResult? Cloud,
    IReadOnlyList<string> LeftOpen);

/// <summary>One step of the move.</summary>
/// <param name="Layer">"cloud" or "server".</param>
/// <param name="Name">What the step does.</param>
/// <param name="Commands">Its commands or writes.</param>
/// <param name="Result">confirmed, rolled-back, failed-and-restored, applied, undone, skipped or planned.</param>
public sealed record SshPortStep(string Layer, string Name, IReadOnlyList<string> Commands, string Result);
