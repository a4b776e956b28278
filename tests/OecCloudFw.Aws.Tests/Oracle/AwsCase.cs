using System.Globalization;
using System.Net;
using System.Text;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2.Model;

/// <summary>One generated case: the wire input, the queries asked of it and the source addresses sampled per family.</summary>
public sealed record AwsCase(
    int Seed,
    AwsWireInput Input,
    IReadOnlyList<AwsQuery> Queries,
    IReadOnlyList<IPAddress> V4Samples,
    IReadOnlyList<IPAddress> V6Samples)
{
    /// <summary>The sampled addresses of one family.</summary>
    public IReadOnlyList<IPAddress> Samples(bool ipv6) => ipv6 ? V6Samples : V4Samples;

    /// <summary>A compact human-readable text of the case (for failure messages).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var i = Input.Instance;
        text.Append(CultureInfo.InvariantCulture, $"case seed={Seed} instance {i.InstanceId} public={i.PublicIpAddress ?? "-"}").AppendLine();
        foreach (var eni in (i.NetworkInterfaces ?? []).OrderBy(e => e.Attachment?.DeviceIndex ?? 0))
        {
            var association = eni.Association is null ? "no public IPv4"
                : $"public {eni.Association.PublicIp} ({(eni.Association.IpOwnerId == "amazon" ? "auto" : "EIP " + eni.Association.IpOwnerId)})";
            var v6 = eni.Ipv6Addresses is { Count: > 0 } a ? string.Join(",", a.Select(x => x.Ipv6Address)) : "none";
            text.Append(CultureInfo.InvariantCulture,
                $"  {eni.NetworkInterfaceId} dev{eni.Attachment?.DeviceIndex} {eni.SubnetId} groups[{string.Join(",", (eni.Groups ?? []).Select(g => g.GroupId))}] private {eni.PrivateIpAddress} {association} ipv6 {v6}")
                .AppendLine();
        }

        foreach (var acl in Input.Acls)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  {acl.NetworkAclId} subnets[{string.Join(",", (acl.Associations ?? []).Select(s => s.SubnetId))}]").AppendLine();
            foreach (var egress in new[] { false, true })
            {
                var entries = (acl.Entries ?? []).Where(e => (e.Egress ?? false) == egress).OrderBy(e => e.RuleNumber);
                text.Append(egress ? "    out: " : "    in:  ").AppendJoin("; ", entries.Select(Describe)).AppendLine();
            }
        }

        foreach (var group in Input.Rules.GroupBy(r => r.GroupId))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {group.Key} in: ")
                .AppendJoin("; ", group.Where(r => r.IsEgress != true).Select(Describe))
                .Append(" | out: ").AppendJoin("; ", group.Where(r => r.IsEgress == true).Select(Describe)).AppendLine();
        }

        foreach (var (id, cidrs) in Input.PrefixLists)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {id}: {(cidrs is null ? "unreadable" : string.Join(",", cidrs))}").AppendLine();
        }

        text.Append("  queries: ").AppendJoin(", ", Queries);
        return text.ToString();
    }

    private static string Describe(NetworkAclEntry e)
    {
        var ports = e.PortRange is null ? "" : $":{e.PortRange.From}-{e.PortRange.To}";
        var icmp = e.IcmpTypeCode is null ? "" : $":type{e.IcmpTypeCode.Type}";
        var number = e.RuleNumber == 32767 ? "*" : e.RuleNumber?.ToString(CultureInfo.InvariantCulture);
        return $"{number} {e.RuleAction?.Value} p{e.Protocol}{ports}{icmp} {e.CidrBlock ?? e.Ipv6CidrBlock}";
    }

    private static string Describe(SecurityGroupRule r)
    {
        var source = r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId ?? "?";
        return $"{r.IpProtocol} {r.FromPort}..{r.ToPort} {source}";
    }
}
