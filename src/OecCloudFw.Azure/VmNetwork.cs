using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Azure;

/// <summary>The NSGs in front of a VM: on its NICs and on their subnets. A packet needs both to admit it.</summary>
public sealed record VmNetwork(IReadOnlyList<NsgSnapshot> NicNsgs, IReadOnlyList<NsgSnapshot> SubnetNsgs)
{
    /// <summary>The VM's private addresses from its NICs' IP configurations; null when no VM was read (an NSG named alone).</summary>
    public IReadOnlyList<Cidr>? Addresses { get; init; }

    /// <summary>The application security groups of the VM's NICs; null when no VM was read.</summary>
    public IReadOnlyList<string>? ApplicationSecurityGroups { get; init; }

    /// <summary>Admitted only if the NIC's NSG (when there is one) and the subnet's NSG (when there is one) both admit it.</summary>
    public (Decision Decision, string Evidence) Evaluate(Protocol protocol, int port, Cidr source) => Both(true, protocol, port, source);

    /// <summary>A new outbound connection: the NIC's and the subnet's outbound rules must both let it out.</summary>
    public (Decision Decision, string Evidence) EvaluateEgress(Protocol protocol, int port, Cidr destination) => Both(false, protocol, port, destination);

    /// <summary>The same network with one NSG replaced by a newer read of it (after a write).</summary>
    public VmNetwork With(NsgSnapshot nsg)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        NsgSnapshot Swap(NsgSnapshot n) => string.Equals(n.Id, nsg.Id, StringComparison.OrdinalIgnoreCase) ? nsg : n;
        return this with { NicNsgs = NicNsgs.Select(Swap).ToList(), SubnetNsgs = SubnetNsgs.Select(Swap).ToList() };
    }

    private (Decision Decision, string Evidence) Both(bool inbound, Protocol protocol, int port, Cidr peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        string? unsure = null;
        foreach (var (layer, nsgs) in new[] { ("NIC", NicNsgs), ("subnet", SubnetNsgs) })
        {
            foreach (var nsg in nsgs)
            {
                var (decision, evidence) = nsg.Decide(inbound, protocol, port, peer, Addresses, ApplicationSecurityGroups);
                if (decision == Decision.Refused)
                {
                    return (Decision.Refused, $"{layer} NSG {evidence}");
                }

                if (decision == Decision.Indeterminate)
                {
                    unsure ??= $"{layer} NSG {evidence}";
                }
            }
        }

        return unsure is not null ? (Decision.Indeterminate, unsure) : (Decision.Admitted, $"both the NIC and the subnet NSGs {(inbound ? "admit it" : "let it out")}");
    }

    /// <summary>The wanted rules a subnet NSG refuses (through a VM a port is open only if the subnet's NSG admits it too), with the NSG that refuses each.</summary>
    public IReadOnlyList<(Rule Rule, NsgSnapshot Nsg)> BlockedBySubnet(IEnumerable<Rule> wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return wanted
            .Select(r => (Rule: r, Nsg: SubnetNsgs.FirstOrDefault(s => s.Decide(true, r.Protocol, r.Ports.From, r.Source).Decision == Decision.Refused)))
            .Where(x => x.Nsg is not null)
            .Select(x => (x.Rule, x.Nsg!))
            .ToList();
    }

    /// <summary>The NSG with this id if it was read with the VM (NIC or subnet), else null.</summary>
    public NsgSnapshot? Find(string nsgId) =>
        NicNsgs.Concat(SubnetNsgs).FirstOrDefault(n => string.Equals(n.Id, nsgId, StringComparison.OrdinalIgnoreCase));
}
