namespace OecCloudFw.Core.Audit.Benchmarks;

/// <summary>
/// CIS Ubuntu Linux 24.04 LTS Benchmark v1.0.0, section 4 (host based firewall): the checks the audit makes, by their
/// public ids and titles. The alternatives of the section (4.2 ufw, 4.3 nftables, 4.4 iptables) apply to the utility in
/// use; the others are not applicable.
/// </summary>
public static class CisUbuntu2404
{
    /// <summary>The name <c>audit --benchmark</c> takes, and the prefix of the ids findings carry ("cis-ubuntu-24.04:4.2.7").</summary>
    public const string Name = "cis-ubuntu-24.04";

    public const string Title = "CIS Ubuntu Linux 24.04 LTS Benchmark v1.0.0, section 4: host based firewall";

    /// <summary>Every check, in the benchmark's order: id and title.</summary>
    public static IReadOnlyList<(string Id, string Title)> Checks { get; } =
    [
        ("4.1.1", "Ensure a single firewall configuration utility is in use"),
        ("4.2.2", "Ensure iptables-persistent is not installed with ufw"),
        ("4.2.4", "Ensure ufw loopback traffic is configured"),
        ("4.2.5", "Ensure ufw outbound connections are configured"),
        ("4.2.6", "Ensure ufw firewall rules exist for all open ports"),
        ("4.2.7", "Ensure ufw default deny firewall policy"),
        ("4.3.6", "Ensure nftables loopback traffic is configured"),
        ("4.3.7", "Ensure nftables outbound and established connections are configured"),
        ("4.3.8", "Ensure nftables default deny firewall policy"),
        ("4.3.10", "Ensure nftables rules are permanent"),
        ("4.4.2.1", "Ensure iptables default deny firewall policy"),
        ("4.4.2.2", "Ensure iptables loopback traffic is configured"),
        ("4.4.2.3", "Ensure iptables outbound and established connections are configured"),
        ("4.4.2.4", "Ensure iptables firewall rules exist for all open ports"),
        ("4.4.3.1", "Ensure ip6tables default deny firewall policy"),
        ("4.4.3.2", "Ensure ip6tables loopback traffic is configured"),
        ("4.4.3.3", "Ensure ip6tables outbound and established connections are configured"),
        ("4.4.3.4", "Ensure ip6tables firewall rules exist for all open ports"),
    ];

    /// <summary>The names <c>--benchmark</c> accepts.</summary>
    public static IReadOnlyList<string> Known { get; } = [Name];

    /// <summary>The benchmark's title for a check id.</summary>
    public static string TitleOf(string id) => Checks.First(c => c.Id == id).Title;

    /// <summary>The id a finding carries for a check: "cis-ubuntu-24.04:4.2.7".</summary>
    public static string Tag(string id) => $"{Name}:{id}";

    /// <summary>The finding for a failed check, carrying the check's benchmark id.</summary>
    public static Finding Failed(BenchmarkCheck check, string findingId, Severity severity, string message, IReadOnlyList<string> fixes)
    {
        ArgumentNullException.ThrowIfNull(check);
        IReadOnlyList<Fix> remedies = fixes.Count == 0 ? [] : [new Fix(FixKind.ServerBenchmark, "server", 0, [], fixes) { Resource = Tag(check.Id) }];
        return new Finding(findingId, severity, $"{message} (CIS {check.Id}: {check.Title})", check.Evidence, remedies)
        {
            Benchmarks = [Tag(check.Id)],
            Subject = new(null, null, null, "server", Tag(check.Id)),
        };
    }
}
