namespace OecCloudFw.Application.Fleet;

/// <summary>Where a fleet audit stands after a server finished: what a progress display shows.</summary>
/// <param name="Done">Servers finished, audited or not.</param>
/// <param name="Failed">Of those, the servers that could not be audited (their errors are in the result).</param>
/// <param name="Remaining">Servers not finished yet (running or waiting their turn).</param>
/// <param name="Elapsed">Since the fleet audit started.</param>
public sealed record FleetProgress(int Done, int Failed, int Remaining, TimeSpan Elapsed)
{
    /// <summary>Servers finished per second so far (0 before the first).</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;
}
