// A brute-force evaluator of Hetzner Cloud Firewalls for one NEW packet, written from the public documentation only.
// Sources (what each statement below rests on):
// - docs.hetzner.com/cloud/firewalls/faq/ ("How do the Firewalls work?"): inbound — "Your rules define all traffic that is
//   allowed to reach the server … implicit deny at the end … If you don't define any rules here, all inbound traffic will
//   be dropped"; outbound — "If you don't define any rules for the outbound direction, all traffic is allowed. If you
//   define one or more outbound rules, the outbound direction also changes to implicit deny". "Are Cloud Firewalls
//   stateful? Yes" (replies of allowed connections pass: this oracle answers for NEW packets only). Limits: "up to 5 active
//   Firewalls per server". "Is there traffic that's always allowed? … traffic from certain Hetzner services … DNS resolver
//   traffic, …": those service addresses are not listed in what we read, so they are NOT modelled (see Indeterminate).
// - Hetzner Cloud API reference (konfig-sdks/openapi-examples hetzner/openapi.yaml), POST /firewalls/{id}/actions/
//   apply_to_resources: "Currently servers (public network interface) and label selectors are supported" — a firewall
//   filters the server's public interface only; traffic over private Networks is not filtered by it, so this oracle
//   models the public path: the server's public IPv4 and its public IPv6 /64 (public_net.ipv4.ip / public_net.ipv6.ip).
// - Rule fields: port only for tcp/udp ("80" or "1024-5000"); icmp/esp/gre rules carry no port; source_ips for "in",
//   destination_ips for "out" (hcloud-go hcloud/schema/firewall.go; the spec's Rule model).
// - A server with no firewall applied: nothing filtered (FAQ "What are Hetzner Cloud Firewalls?": firewalls are what you
//   apply to servers; the brief of issue 23 states it and the API has no default firewall).
// - Outbound 25 and 465: Hetzner blocks outgoing traffic to ports 25 and 465 on cloud servers by default and lifts it on
//   request (issue 23 states it; Hetzner's own page on it was not in the stored corpus we could search; a user's record of
//   it: git.wizard.lu/sboulahtit/orion commit 1227567d, "Hetzner Cloud silently blocks outbound TCP 25 and 465 on every
//   Cloud Server … upstream of the VM"). What we read names TCP (SMTP, SMTPS): TCP is answered BlockedByProvider; UDP to
//   25/465 is left Indeterminate (no page we read says either way).
// Several firewalls on one server: their rules are combined (a packet is admitted if a rule of ANY applied firewall
// allows it); outbound turns default-deny as soon as any applied firewall has an outbound rule.
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Hetzner.Tests.Oracle;

public enum OracleDecision { Admitted, Refused, Indeterminate }

/// <summary>The oracle's detailed answer; every refusal says who refused.</summary>
public enum HetznerVerdict
{
    Admitted,
    /// <summary>Firewalls apply and no rule of any of them allows it (implicit deny).</summary>
    RefusedByFirewall,
    /// <summary>Hetzner blocks it upstream of every cloud server (outbound TCP 25/465 until an unblock is granted).</summary>
    BlockedByProvider,
    /// <summary>The server has no public address of that family: nothing reaches or leaves it on the public path.</summary>
    NoPublicAddress,
    /// <summary>The docs leave it undecided (UDP to 25/465 outbound).</summary>
    Indeterminate,
}

public static class HetznerOracle
{
    public static readonly IReadOnlyList<int> ProviderBlockedOutboundPorts = [25, 465];

    public static OracleDecision ToDecision(this HetznerVerdict verdict) => verdict switch
    {
        HetznerVerdict.Admitted => OracleDecision.Admitted,
        HetznerVerdict.Indeterminate => OracleDecision.Indeterminate,
        _ => OracleDecision.Refused,
    };

    /// <summary>Is a NEW packet (tcp/udp to <paramref name="port"/>, or "icmp" echo) from <paramref name="peer"/> to the
    /// server (inbound), or from the server to <paramref name="peer"/> (outbound), let through?</summary>
    public static HetznerVerdict Evaluate(HetznerCase input, string protocol, int port, IPAddress peer, bool inbound) =>
        Compile(input).Evaluate(protocol, port, peer, inbound);

    public static CompiledHetznerCase Compile(HetznerCase input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var applied = input.AppliedToServer();
        var rules = applied.SelectMany(f => f.Rules).Select(CompiledRule.From).ToList();
        return new CompiledHetznerCase(
            applied.Count > 0,
            [.. rules.Where(r => r.Inbound)],
            [.. rules.Where(r => !r.Inbound)],
            input.Server.Ipv4 is not null,
            input.Server.Ipv6Network is not null,
            input.Server.SmtpUnblocked);
    }
}

/// <summary>A case reduced to what a verdict needs (so the harness evaluates thousands of addresses cheaply).</summary>
public sealed class CompiledHetznerCase
{
    private readonly bool _anyFirewall;
    private readonly IReadOnlyList<CompiledRule> _in;
    private readonly IReadOnlyList<CompiledRule> _out;
    private readonly bool _hasV4;
    private readonly bool _hasV6;
    private readonly bool _smtpUnblocked;

    internal CompiledHetznerCase(bool anyFirewall, IReadOnlyList<CompiledRule> inbound, IReadOnlyList<CompiledRule> outbound, bool hasV4, bool hasV6, bool smtpUnblocked)
    {
        _anyFirewall = anyFirewall;
        _in = inbound;
        _out = outbound;
        _hasV4 = hasV4;
        _hasV6 = hasV6;
        _smtpUnblocked = smtpUnblocked;
    }

    public HetznerVerdict Evaluate(string protocol, int port, IPAddress peer, bool inbound)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var v6 = peer.AddressFamily == AddressFamily.InterNetworkV6;
        if (v6 ? !_hasV6 : !_hasV4)
        {
            return HetznerVerdict.NoPublicAddress;
        }
        var number = HzNet.ToNumber(peer);
        if (!inbound && !_smtpUnblocked && HetznerOracle.ProviderBlockedOutboundPorts.Contains(port))
        {
            if (protocol == "tcp")
            {
                return HetznerVerdict.BlockedByProvider;
            }
            if (protocol == "udp")
            {
                return HetznerVerdict.Indeterminate;
            }
        }
        if (!_anyFirewall)
        {
            return HetznerVerdict.Admitted;
        }
        var rules = inbound ? _in : _out;
        if (!inbound && rules.Count == 0)
        {
            return HetznerVerdict.Admitted;
        }
        foreach (var rule in rules)
        {
            if (rule.Matches(protocol, port, number, v6))
            {
                return HetznerVerdict.Admitted;
            }
        }
        return HetznerVerdict.RefusedByFirewall;
    }
}

internal sealed record CompiledRule(bool Inbound, string Protocol, int Low, int High, IReadOnlyList<(UInt128 First, UInt128 Last, bool Ipv6)> Peers)
{
    public static CompiledRule From(HzRule rule)
    {
        var inbound = rule.Direction == "in";
        var (low, high) = (0, 65535);
        if (rule.Protocol is "tcp" or "udp" && rule.Port is { } port)
        {
            var dash = port.IndexOf('-', StringComparison.Ordinal);
            low = int.Parse(dash < 0 ? port : port[..dash], System.Globalization.CultureInfo.InvariantCulture);
            high = dash < 0 ? low : int.Parse(port[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        var peers = (inbound ? rule.SourceIps : rule.DestinationIps).Select(HzNet.Range).ToList();
        return new CompiledRule(inbound, rule.Protocol, low, high, peers);
    }

    public bool Matches(string protocol, int port, UInt128 peer, bool v6)
    {
        if (Protocol != protocol)
        {
            return false;
        }
        if (protocol is "tcp" or "udp" && (port < Low || port > High))
        {
            return false;
        }
        foreach (var (first, last, ipv6) in Peers)
        {
            if (ipv6 == v6 && peer >= first && peer <= last)
            {
                return true;
            }
        }
        return false;
    }
}
