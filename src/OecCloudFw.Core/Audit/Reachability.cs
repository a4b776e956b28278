namespace OecCloudFw.Core.Audit;

/// <summary>A TCP connect from where the tool runs: connected, refused, or no answer (after one retry).</summary>
public enum Reachability
{
    NotProbed,
    Open,
    Closed,
    Filtered,
}
