namespace OecCloudFw.Server.Audit;

/// <summary>
/// How long the live probe waits for a port that does not answer. An open port (SYN-ACK) and a refused one (RST) answer
/// in one round trip, so only silence waits: every port is probed at once, a silent port is retried once, and it is
/// called filtered only after two waits of <see cref="Wait"/> each without an answer.
/// </summary>
/// <remarks>
/// Adaptive (the default), as nmap's timing is: the wait is four times the round-trip time the tool measured on its SSH
/// connection (TCP connect to the server's identification line, itself an upper bound of the round trip), never less
/// than <see cref="Floor"/> and never more than the cap (<c>--probe-timeout</c>); unmeasured (no SSH connection of
/// its own, a jump host), nmap's initial 1 s. An answer slower than a quarter of the wait stretches it during the probe
/// (four times the slowest answer, within the cap), so a link that slowed down since the SSH connection is not mistaken
/// for a filter. Fixed: the old way, every attempt waits the full cap.
/// </remarks>
public sealed record ProbeTiming
{
    /// <summary>The shortest wait: well above the round trip of any link a server is managed over, and above the kernel's scheduling noise.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(200);

    /// <summary>The wait when no round trip was measured (nmap's initial round-trip timeout).</summary>
    public static readonly TimeSpan Unmeasured = TimeSpan.FromSeconds(1);

    /// <summary>Round trips a silent port is given before it is retried.</summary>
    public const int RoundTrips = 4;

    private ProbeTiming(TimeSpan wait, TimeSpan cap, TimeSpan? roundTrip, bool adaptive)
    {
        Wait = wait;
        Cap = cap;
        RoundTrip = roundTrip;
        Adaptive = adaptive;
    }

    /// <summary>What one attempt waits for an answer before the port is retried (or, the second time, called filtered).</summary>
    public TimeSpan Wait { get; }

    /// <summary>The most one attempt may wait (<c>--probe-timeout</c>).</summary>
    public TimeSpan Cap { get; }

    /// <summary>The round trip the wait was sized from (null: not measured, or fixed).</summary>
    public TimeSpan? RoundTrip { get; }

    public bool Adaptive { get; }

    /// <summary>The most the probe can wait in all: two attempts.</summary>
    public TimeSpan Deadline => Wait * 2;

    /// <summary>Sized from a measured round trip (null: unmeasured), capped by <paramref name="cap"/>.</summary>
    public static ProbeTiming FromRoundTrip(TimeSpan? roundTrip, TimeSpan cap)
    {
        var wanted = roundTrip is { } rtt ? Max(rtt * RoundTrips, Floor) : Unmeasured;
        return new ProbeTiming(Min(wanted, cap), cap, roundTrip, adaptive: true);
    }

    /// <summary>The old way: every attempt waits <paramref name="timeout"/> (kept for the benchmark's baseline).</summary>
    public static ProbeTiming Fixed(TimeSpan timeout) => new(timeout, timeout, null, adaptive: false);

    /// <summary>The wait once an answer took <paramref name="answered"/>: stretched to four times the slowest answer, within the cap.</summary>
    public TimeSpan Stretched(TimeSpan answered) => Adaptive ? Min(Max(Wait, answered * RoundTrips), Cap) : Wait;

    /// <summary>This timing with the wait stretched (see <see cref="Stretched"/>).</summary>
    public ProbeTiming With(TimeSpan wait) => new(wait, Cap, RoundTrip, Adaptive);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
