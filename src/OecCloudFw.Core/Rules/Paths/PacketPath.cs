using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Core.Rules.Paths;

/// <summary>
/// One way packets reach an instance from outside (an AWS ENI, an Azure NIC): whether the internet can address it at
/// all (<paramref name="Reach"/>: its public addresses), then the filters in order.
/// </summary>
/// <param name="Name">"eni-0abc (subnet-1)", "nic vm1-nic".</param>
/// <param name="Reach">
/// The reachability gate, run first for inbound packets: a chain that refuses the sources the path cannot be reached
/// from (the public internet when it has no public address of the family), with the reason as the rule's text; null
/// when every source reaches it.
/// </param>
/// <param name="Stages">The filters, in the order the provider applies them.</param>
/// <param name="Assumptions">What the path model assumes without reading it (said in reports, like Reachability Analyzer's explanation codes).</param>
public sealed record PacketPath(string Name, Chain? Reach, IReadOnlyList<PathStage> Stages, IReadOnlyList<string> Assumptions);
