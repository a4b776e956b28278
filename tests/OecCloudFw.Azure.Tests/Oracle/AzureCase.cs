using System.Text;

namespace OecCloudFw.Azure.Tests.Oracle;

public enum PublicIpSku
{
    None,
    Basic,
    Standard,
}

/// <summary>
/// One NSG security rule as ARM holds it. Lists hold what the singular or plural ARM field holds (an empty address list
/// with ASGs set means the ASG form). <paramref name="Plural"/> renders single entries as sourceAddressPrefixes /
/// destinationAddressPrefixes / destinationPortRanges rather than the singular fields. ASGs are named by their names in
/// the case's pool (the wire carries their ARM ids).
/// </summary>
public sealed record AzureRule(
    string Name,
    int Priority,
    bool Inbound,
    bool Allow,
    string Protocol,
    IReadOnlyList<string> SourcePrefixes,
    IReadOnlyList<string> SourceAsgs,
    IReadOnlyList<string> DestinationPrefixes,
    IReadOnlyList<string> DestinationAsgs,
    IReadOnlyList<string> DestinationPorts,
    bool Plural = false)
{
    /// <summary>An inbound rule with one source prefix, destination "*", the given port entries.</summary>
    public static AzureRule In(string name, int priority, bool allow, string protocol, string source, params string[] ports) =>
        new(name, priority, true, allow, protocol, [source], [], ["*"], [], ports.Length == 0 ? ["*"] : ports);

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Name).Append(' ').Append(Inbound ? "in " : "out ").Append(Priority).Append(' ')
            .Append(Allow ? "Allow " : "Deny ").Append(Protocol)
            .Append(" src=").Append(Side(SourcePrefixes, SourceAsgs))
            .Append(" dst=").Append(Side(DestinationPrefixes, DestinationAsgs))
            .Append(" ports=").Append(string.Join(',', DestinationPorts));
        if (Plural)
        {
            sb.Append(" (plural)");
        }
        return sb.ToString();
    }

    private static string Side(IReadOnlyList<string> prefixes, IReadOnlyList<string> asgs) =>
        asgs.Count > 0 ? "asg:" + string.Join(',', asgs) : string.Join(',', prefixes);
}

/// <summary>An NSG: custom rules and the default rules (as the GET returns them under defaultSecurityRules).</summary>
public sealed record AzureNsg(string Name, IReadOnlyList<AzureRule> Rules, IReadOnlyList<AzureRule> DefaultRules)
{
    public AzureNsg(string name, IReadOnlyList<AzureRule> rules) : this(name, rules, Defaults)
    {
    }

    /// <summary>The six default rules as NetworkSecurityGroupGet returns them (network-security-groups-overview).</summary>
    public static readonly IReadOnlyList<AzureRule> Defaults =
    [
        new("AllowVnetInBound", 65000, true, true, "*", ["VirtualNetwork"], [], ["VirtualNetwork"], [], ["*"]),
        new("AllowAzureLoadBalancerInBound", 65001, true, true, "*", ["AzureLoadBalancer"], [], ["*"], [], ["*"]),
        new("DenyAllInBound", 65500, true, false, "*", ["*"], [], ["*"], [], ["*"]),
        new("AllowVnetOutBound", 65000, false, true, "*", ["VirtualNetwork"], [], ["VirtualNetwork"], [], ["*"]),
        new("AllowInternetOutBound", 65001, false, true, "*", ["*"], [], ["Internet"], [], ["*"]),
        new("DenyAllOutBound", 65500, false, false, "*", ["*"], [], ["*"], [], ["*"]),
    ];
}

public sealed record AzureSubnet(string Name, string AddressPrefix, string? Nsg);

/// <summary>
/// A NIC: ipconfig1 holds <paramref name="PrivateIp"/> (IPv4), the subnet, the ASGs and the optional public IPv4 of
/// <paramref name="PublicIp"/> SKU; when <paramref name="PublicIpv6Address"/> is set, a second ip configuration holds
/// <paramref name="PrivateIpv6"/> and a Standard public IPv6.
/// </summary>
public sealed record AzureNic(
    string Name,
    string PrivateIp,
    string Subnet,
    string? Nsg,
    IReadOnlyList<string> Asgs,
    PublicIpSku PublicIp,
    string? PublicIpAddress,
    string? PrivateIpv6 = null,
    string? PublicIpv6Address = null)
{
    public bool HasIpv6 => PublicIpv6Address is not null;
}

/// <summary>
/// A case: mode VM (a VM with its NICs, subnets and NSGs) or mode NSG (<paramref name="NsgUnderTest"/> names the NSG
/// evaluated alone; no VM). <paramref name="UpperCaseGroupInReferences"/>: references to other resources spell the
/// resource group in upper case (ARM ids are case-insensitive and ARM does return such references).
/// <paramref name="EmptyPluralArrays"/>: rules also carry the unused plural fields as [] (as many GETs do).
/// </summary>
public sealed record AzureCase(
    int Seed,
    string? NsgUnderTest,
    IReadOnlyList<AzureNsg> Nsgs,
    IReadOnlyList<AzureSubnet> Subnets,
    IReadOnlyList<AzureNic> Nics,
    bool UpperCaseGroupInReferences = false,
    bool EmptyPluralArrays = false)
{
    public bool NsgMode => NsgUnderTest is not null;

    public AzureNsg Nsg(string name) => Nsgs.Single(n => n.Name == name);

    public AzureSubnet Subnet(string name) => Subnets.Single(s => s.Name == name);

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("case ").Append(Seed).Append(NsgMode ? $" mode NSG {NsgUnderTest}" : " mode VM");
        if (UpperCaseGroupInReferences)
        {
            sb.Append(" [RG upper-case in refs]");
        }
        foreach (var nsg in Nsgs)
        {
            sb.Append("\n  nsg ").Append(nsg.Name).Append(':');
            foreach (var r in nsg.Rules)
            {
                sb.Append("\n    ").Append(r);
            }
            if (!ReferenceEquals(nsg.DefaultRules, AzureNsg.Defaults))
            {
                sb.Append("\n    defaults: ").Append(string.Join(" | ", nsg.DefaultRules));
            }
        }
        foreach (var s in Subnets)
        {
            sb.Append("\n  subnet ").Append(s.Name).Append(' ').Append(s.AddressPrefix).Append(" nsg=").Append(s.Nsg ?? "-");
        }
        foreach (var n in Nics)
        {
            sb.Append("\n  nic ").Append(n.Name).Append(' ').Append(n.PrivateIp).Append(' ').Append(n.Subnet)
                .Append(" nsg=").Append(n.Nsg ?? "-").Append(" asg=[").Append(string.Join(',', n.Asgs)).Append("] pip=")
                .Append(n.PublicIp);
            if (n.PublicIpAddress is not null)
            {
                sb.Append('(').Append(n.PublicIpAddress).Append(')');
            }
            if (n.HasIpv6)
            {
                sb.Append(" v6 ").Append(n.PrivateIpv6).Append(" pip6=Standard(").Append(n.PublicIpv6Address).Append(')');
            }
        }
        return sb.ToString();
    }
}
