using OecCloudFw.Core.Net;

namespace OecCloudFw.Aws;

/// <summary>One entry of a subnet's network ACL, as DescribeNetworkAcls returns it.</summary>
/// <param name="RuleNumber">Evaluation order, lowest first; 32767 is the closing "*" rule.</param>
/// <param name="Egress">True for an outbound entry.</param>
/// <param name="Protocol">The protocol; null for a protocol the tool does not evaluate (never TCP).</param>
/// <param name="Ports">The port range (all for protocol -1).</param>
/// <param name="Peer">The remote network: the source of inbound, the destination of outbound packets.</param>
/// <param name="Allow">Allow or deny.</param>
internal sealed record NetworkAclEntry(int RuleNumber, bool Egress, Protocol? Protocol, PortRange Ports, Cidr Peer, bool Allow)
{
    /// <summary>The protocol as EC2 returns it ("-1", "6", "58", …); by default the one <see cref="Protocol"/> names.</summary>
    internal string? RawProtocol { get; init; }

    /// <summary>A TCP/UDP entry whose range holds no real port (0-0): it matches no connection.</summary>
    internal bool NoPort { get; init; }

    /// <summary>The port range's first port (TCP/UDP), or the ICMP type; by default from <see cref="Ports"/>.</summary>
    internal int? RawFrom { get; init; }

    /// <summary>The port range's last port (TCP/UDP), or the ICMP code.</summary>
    internal int? RawTo { get; init; }

    public override string ToString() =>
        $"rule {(RuleNumber == 32767 ? "*" : RuleNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))} {(Egress ? "outbound" : "inbound")} {(Allow ? "allow" : "deny")} {Protocol?.ToName() ?? "other"}/{(NoPort ? $"{RawFrom}-{RawTo} (no port)" : Ports.ToString())} {(Egress ? "to" : "from")} {Peer}";
}
