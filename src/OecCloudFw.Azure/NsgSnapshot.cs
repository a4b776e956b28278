namespace OecCloudFw.Azure;

/// <summary>One NSG as read in one GET: its rules (defaults included) and what it is attached to.</summary>
public sealed record NsgSnapshot(string Id, string Name, IReadOnlyList<NsgRule> Rules, IReadOnlyList<string> NetworkInterfaces, IReadOnlyList<string> Subnets)
{
    public IEnumerable<NsgRule> Inbound => Rules.Where(r => r.Inbound).OrderBy(r => r.Priority);

    internal IEnumerable<NsgRule> Outbound => Rules.Where(r => !r.Inbound).OrderBy(r => r.Priority);
}
