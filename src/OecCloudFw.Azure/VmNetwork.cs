namespace OecCloudFw.Azure;

/// <summary>
/// The NSGs in front of a target as read: a VM's NICs (each with its public IPs, its own NSG and its subnet's NSG), or
/// one NSG named alone (<see cref="Nics"/> null: which VMs its rules reach is not known).
/// </summary>
public sealed record VmNetwork(IReadOnlyList<NsgSnapshot> NicNsgs, IReadOnlyList<NsgSnapshot> SubnetNsgs)
{
    /// <summary>The VM's network interfaces; null when no VM was read (an NSG named alone).</summary>
    internal IReadOnlyList<VmNic>? Nics { get; init; }

    /// <summary>One NSG read alone, with no VM.</summary>
    internal static VmNetwork Alone(NsgSnapshot nsg) => new([nsg], []);

    /// <summary>The same network with one NSG replaced by a newer read of it (after a write).</summary>
    internal VmNetwork With(NsgSnapshot nsg)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        NsgSnapshot Swap(NsgSnapshot n) => string.Equals(n.Id, nsg.Id, StringComparison.OrdinalIgnoreCase) ? nsg : n;
        return this with { NicNsgs = NicNsgs.Select(Swap).ToList(), SubnetNsgs = SubnetNsgs.Select(Swap).ToList() };
    }

    /// <summary>The NSG with this id if it was read with the VM (NIC or subnet), else null.</summary>
    internal NsgSnapshot? Find(string? nsgId) =>
        nsgId is null ? null : NicNsgs.Concat(SubnetNsgs).FirstOrDefault(n => string.Equals(n.Id, nsgId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The NIC an NSG filters (its own or its subnet's), for the destination side of its rules; null when none was read.</summary>
    internal VmNic? NicOf(NsgSnapshot nsg)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        return Nics?.FirstOrDefault(n => string.Equals(n.NsgId, nsg.Id, StringComparison.OrdinalIgnoreCase))
               ?? Nics?.FirstOrDefault(n => string.Equals(n.SubnetNsgId, nsg.Id, StringComparison.OrdinalIgnoreCase));
    }
}
