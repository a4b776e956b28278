using System.Diagnostics.CodeAnalysis;

namespace OecCloudFw.Core.Net;

/// <summary>Parses and prints protocol names as the providers spell them (tcp, 6, -1, all, *).</summary>
public static class ProtocolNames
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Protocol? protocol)
    {
        protocol = text?.Trim().ToLowerInvariant() switch
        {
            "tcp" or "6" => Protocol.Tcp,
            "udp" or "17" => Protocol.Udp,
            "icmp" or "1" or "icmpv6" or "58" => Protocol.Icmp,
            "all" or "-1" or "*" or "any" => Protocol.All,
            _ => null,
        };
        return protocol is not null;
    }

    public static Protocol Parse(string text) =>
        TryParse(text, out var protocol) ? protocol.Value : throw new FormatException($"'{text}' is not a protocol: use tcp, udp, icmp or all");

    public static string ToName(this Protocol protocol) => protocol switch
    {
        Protocol.Tcp => "tcp",
        Protocol.Udp => "udp",
        Protocol.Icmp => "icmp",
        _ => "all",
    };

    /// <summary>True when a rule for <paramref name="ruleProtocol"/> also matches packets of <paramref name="packet"/>.</summary>
    public static bool Covers(this Protocol ruleProtocol, Protocol packet) => ruleProtocol == Protocol.All || ruleProtocol == packet;
}
