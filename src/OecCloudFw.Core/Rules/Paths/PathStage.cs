using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Core.Rules.Paths;

/// <summary>
/// One filter on a packet's path into a cloud instance, compiled to the one engine: its inbound and outbound rules as
/// chains (each ends with an explicit rule that says what happens to what nothing else matched). A stateful filter
/// (a security group, an NSG) lets the replies of what it admitted back; a stateless one (a network ACL) must admit the
/// replies too, to whatever port the other end uses.
/// </summary>
/// <param name="Name">What it is, for evidence: "network ACL acl-1 (subnet-1)".</param>
/// <param name="Inbound">The rules for packets coming in.</param>
/// <param name="Outbound">The rules for packets going out; null when they were not read.</param>
/// <param name="Stateless">True when replies are filtered like any packet.</param>
public sealed record PathStage(string Name, Chain Inbound, Chain? Outbound, bool Stateless);
