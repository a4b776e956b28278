using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Aws;

/// <summary>
/// A subnet's network ACL: stateless, so a connection needs its packets admitted one way and its replies the other.
/// Entries are evaluated by rule number, the first match decides, and what no entry matches is denied: compiled to the
/// one engine as a stateless <see cref="PathStage"/>.
/// </summary>
public sealed record NetworkAclSnapshot
{
    internal NetworkAclSnapshot(string aclId, string subnetId, IReadOnlyList<NetworkAclEntry> entries)
    {
        AclId = aclId;
        SubnetId = subnetId;
        Entries = entries;
    }

    /// <summary>acl-….</summary>
    public string AclId { get; init; }

    /// <summary>The subnet it filters.</summary>
    public string SubnetId { get; init; }

    /// <summary>Its entries, both directions.</summary>
    internal IReadOnlyList<NetworkAclEntry> Entries { get; init; }

    private PathStage? _stage;

    /// <summary>Why the subnet's ACL could not be read (the identity may not call DescribeNetworkAcls); null when it was read.</summary>
    internal string? Unread { get; init; }

    /// <summary>A subnet whose ACL could not be read: every verdict through it is indeterminate, with the reason.</summary>
    internal static NetworkAclSnapshot Unreadable(string subnetId, string why) => new("(unread)", subnetId, []) { Unread = why };

    /// <summary>The entries as listed (inbound first, by rule number), one line each.</summary>
    public IReadOnlyList<string> EntryLines => [.. Entries.OrderBy(e => e.Egress).ThenBy(e => e.RuleNumber).Select(e => e.ToString())];

    /// <summary>The ACL as a report component: where it is attached and its entries.</summary>
    internal LayerComponent ToComponent() => new("network-acl", AclId, SubnetId, EntryLines);

    /// <summary>The ACL as the engine evaluates it: its inbound and outbound entries, each direction a chain, stateless.</summary>
    internal PathStage Stage => _stage ??= Unread is { } why
        ? new PathStage($"the network ACL of {SubnetId}", UnreadChain(why, false), UnreadChain(why, true), Stateless: false)
        : new PathStage($"network ACL {AclId} ({SubnetId})", Direction(false), Direction(true), Stateless: true);

    /// <summary>
    /// What the entries of one direction do with packets to any port of <paramref name="ports"/> from (or to) every
    /// address of <paramref name="peer"/>: admitted or refused when the same for all of them, else indeterminate.
    /// </summary>
    internal Decision Decide(bool egress, Protocol protocol, PortRange ports, Cidr peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var chain = egress ? Stage.Outbound! : Stage.Inbound;
        var rules = new ChainRuleSet(new Dictionary<string, Chain>(StringComparer.Ordinal) { [chain.Name] = chain }, [chain.Name]);
        var cuts = new SortedSet<int> { ports.From };
        foreach (var range in Entries.Where(e => e.Egress == egress && !e.NoPort).Select(e => e.Ports))
        {
            foreach (var cut in new[] { range.From, range.To + 1 })
            {
                if (cut > ports.From && cut <= ports.To)
                {
                    cuts.Add(cut);
                }
            }
        }

        var decisions = cuts.SelectMany(port => rules.EvaluatePieces(PacketContext.For(protocol, port, peer.Family), AddressSet.Of(peer)).Select(p => p.Decision)).Distinct().ToList();
        return decisions.Count == 1 ? decisions[0] : Decision.Indeterminate;
    }

    private Chain UnreadChain(string why, bool egress) =>
        new($"the network ACL of {SubnetId} {(egress ? "outbound" : "inbound")}", ChainTarget.Drop,
        [
            new ChainRule { Matches = [FixedMatch.Unknown(why)], Target = ChainTarget.Drop, Text = $"the network ACL of {SubnetId} could not be read ({why})" },
            Ec2RuleCompiler.Otherwise(true, $"the network ACL of {SubnetId} could not be read ({why})"),
        ]);

    private Chain Direction(bool egress) =>
        new($"network ACL {AclId} ({SubnetId}) {(egress ? "outbound" : "inbound")}", ChainTarget.Drop,
        [
            .. Entries.Where(e => e.Egress == egress).OrderBy(e => e.RuleNumber).Select(e => Ec2RuleCompiler.Entry(e, AclId, SubnetId)),
            Ec2RuleCompiler.Otherwise(false, $"network ACL {AclId} ({SubnetId}): no {(egress ? "outbound" : "inbound")} entry matches: denied"),
        ]);
}
