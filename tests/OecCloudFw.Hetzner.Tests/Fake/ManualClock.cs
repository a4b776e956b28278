namespace OecCloudFw.Hetzner.Tests.Fake;

/// <summary>A clock that moves only when told (the fake's timestamps and RateLimit-Reset never read the wall clock).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public ManualClock() : this(new DateTimeOffset(2016, 1, 30, 23, 55, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
