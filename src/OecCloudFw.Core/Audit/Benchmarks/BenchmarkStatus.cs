namespace OecCloudFw.Core.Audit.Benchmarks;

/// <summary>A benchmark check's outcome on one server.</summary>
public enum BenchmarkStatus
{
    /// <summary>The server meets the check, as the evidence shows.</summary>
    Pass,

    /// <summary>The server does not meet the check (a finding says what and how to fix it).</summary>
    Fail,

    /// <summary>The check is about a firewall utility the server does not use.</summary>
    NotApplicable,

    /// <summary>The check could not be decided: a rule on the packet's path has a match the tool does not model, or a fact was not readable.</summary>
    Undecided,
}
