using OecCloudFw.Core.Audit;

namespace OecCloudFw.Server.Audit;

/// <summary>What the live probe found, and how long it was prepared to wait for it.</summary>
/// <param name="Verdicts">Each port: open (SYN-ACK), closed (RST), or filtered (no answer twice, or unreachable).</param>
/// <param name="Timing">The wait as it ended (stretched by slow answers, if any): <see cref="ProbeTiming.Deadline"/> bounds the probe's waiting.</param>
/// <param name="Retried">The ports that got no answer the first time and were probed again.</param>
public sealed record ProbeResult(IReadOnlyDictionary<int, Reachability> Verdicts, ProbeTiming Timing, IReadOnlyList<int> Retried);
