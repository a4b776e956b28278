using OecCloudFw.Core.Layers;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// The digest of what a plan changes (and of the states it was made from): a saved plan carries it, and apply --plan
/// checks both that the file's changes are still the ones it was made of and that a plan made now gives the same.
/// </summary>
public static class PlanDigest
{
    public static string Of(LayersPlan plan) => LayerDigest.Of(Lines(plan));

    /// <summary>What the plan digest covers: each layer's target, state digest and exactly what it writes or runs.</summary>
    public static List<string> Lines(LayersPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Lines(
            plan.Cloud is null ? null : (plan.Cloud.Target, plan.Cloud.Digest, plan.Cloud.Writes),
            plan.Server.Target, plan.Server.Digest, plan.Server.Backend, plan.Server.Install, plan.Server.Commands);
    }

    /// <summary>The same lines from a saved plan's fields.</summary>
    public static List<string> Lines((string Target, string Digest, IReadOnlyList<string> Writes)? cloud, string server, string serverDigest, string backend, IReadOnlyList<string> install, IReadOnlyList<string> commands) =>
        [.. cloud is { } c ? [$"cloud {c.Target} {c.Digest}", .. c.Writes] : Array.Empty<string>(), $"server {server} {serverDigest} {backend}", .. install, .. commands];
}
