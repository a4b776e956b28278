using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Testing.Aws;

namespace OecCloudFw.Aws.Tests;

/// <summary>
/// The shapes real accounts have, read from the fake EC2 through the SDK and judged on each ENI's path by the one
/// engine: sources split across rules, denies split across entries, two ENIs in two subnets, a private instance.
/// </summary>
public sealed class InstancePathTests
{
    [Fact]
    public async Task SourcesSplitAcrossTwoRules_ThatCoverTheInternet_AreOpen_AndCritical()
    {
        await using var fake = await FakeEc2.StartAsync();
        var group = fake.CreateGroup();
        fake.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/1");
        fake.AddIngress(group, "tcp", 5432, 5432, "128.0.0.0/1");
        fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/2");
        var instance = fake.CreateInstance([group]);

        var (layer, state) = await ReadAsync(fake, instance);

        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        Assert.False(state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Admitted); // a quarter of the internet is not all of it
        var finding = Assert.Single(layer.Findings(state), f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains("5432", finding.Message, StringComparison.Ordinal);
        // The fix revokes both halves.
        Assert.Equal(2, finding.Fixes.Count(f => f.Contains("revoke-security-group-ingress", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DenyEntriesSplitAcrossTheInternet_RefuseEveryIpv4Source_AndAPartialDenyIsCombined()
    {
        await using var fake = await FakeEc2.StartAsync();
        var group = fake.CreateGroup();
        fake.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/0");
        fake.AddIngress(group, "tcp", 8080, 8080, "0.0.0.0/0");
        var (acl, subnet) = fake.CreateNetworkAcl();
        fake.AddNetworkAclEntry(acl, 10, false, "6", 5432, 5432, "0.0.0.0/1", false);
        fake.AddNetworkAclEntry(acl, 20, false, "6", 5432, 5432, "128.0.0.0/1", false);
        fake.AddNetworkAclEntry(acl, 30, false, "6", 8080, 8080, "64.0.0.0/2", false);
        fake.AddNetworkAclEntry(acl, 100, false, "-1", 0, 0, "0.0.0.0/0", true);
        fake.AddNetworkAclEntry(acl, 100, true, "-1", 0, 0, "0.0.0.0/0", true);
        var instance = fake.CreateInstanceInSubnet(subnet, [group]);

        var (layer, state) = await ReadAsync(fake, instance);

        var database = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(database.Refused, database.Evidence);
        Assert.Matches("rule (10|20) inbound deny", database.Evidence);
        Assert.DoesNotContain("admitted from", database.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(layer.Findings(state), f => f.Id == FindingIds.PortOpenToInternet && f.Message.Contains("5432", StringComparison.Ordinal));
        // 8080 is denied from a quarter of the space only: admitted from the rest, the exception named.
        var web = state.View.Evaluate(Protocol.Tcp, 8080, Cidr.AnyIPv4);
        Assert.True(web.Admitted, web.Evidence);
        Assert.Contains("refused from 64.0.0.0/2", web.Evidence, StringComparison.Ordinal);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 8080, Cidr.Parse("64.1.2.3/32")).Refused);
    }

    [Fact]
    public async Task TwoEnisInTwoSubnets_EachIsItsOwnPath_443ThroughTheSecondIsAdmitted()
    {
        await using var fake = await FakeEc2.StartAsync();
        var ops = fake.CreateGroup();
        var web = fake.CreateGroup();
        fake.AddIngress(ops, "tcp", 22, 22, "203.0.113.7/32");
        fake.AddIngress(web, "tcp", 443, 443, "0.0.0.0/0");
        var (privateAcl, privateSubnet) = fake.CreateNetworkAcl();
        fake.AddNetworkAclEntry(privateAcl, 100, false, "6", 22, 22, "203.0.113.7/32", true);
        fake.AddNetworkAclEntry(privateAcl, 100, true, "6", 1024, 65535, "0.0.0.0/0", true);
        var (publicAcl, publicSubnet) = fake.CreateNetworkAcl();
        fake.AddNetworkAclEntry(publicAcl, 100, false, "-1", 0, 0, "0.0.0.0/0", true);
        fake.AddNetworkAclEntry(publicAcl, 100, true, "-1", 0, 0, "0.0.0.0/0", true);
        var instance = fake.CreateInstanceWith(null,
            new FakeEni([ops]) { SubnetId = privateSubnet, PublicIp = "203.0.113.20" },
            new FakeEni([web]) { SubnetId = publicSubnet, PublicIp = "203.0.113.21", ElasticIp = true });
        var enis = fake.Interfaces(instance);

        var (_, state) = await ReadAsync(fake, instance);

        var https = state.View.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4);
        Assert.True(https.Admitted, https.Evidence);
        Assert.Contains(enis[1].Id!, https.Evidence, StringComparison.Ordinal);
        Assert.Contains("Elastic IP", https.Evidence, StringComparison.Ordinal);
        // The web group is not on the first ENI: 443 through it is refused by that ENI's own path, not admitted.
        var ssh = state.View.Evaluate(Protocol.Tcp, 22, Cidr.Parse("203.0.113.7/32"));
        Assert.True(ssh.Admitted, ssh.Evidence);
        Assert.Contains(enis[0].Id!, ssh.Evidence, StringComparison.Ordinal);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Refused);
    }

    [Fact]
    public async Task PrivateInstance_IsNotReachableFromTheInternet_WhatTheGroupsWouldAdmitIsLatent()
    {
        await using var fake = await FakeEc2.StartAsync();
        var group = fake.CreateGroup();
        fake.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/0");
        fake.AddIngress(group, "tcp", 5432, 5432, "::/0");
        var instance = fake.CreateInstanceWith(null, new FakeEni([group]));

        var (layer, state) = await ReadAsync(fake, instance);

        var v4 = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(v4.Refused, v4.Evidence);
        Assert.Contains("has no public IPv4 address (no public IP, no Elastic IP): not reachable from the internet", v4.Evidence, StringComparison.Ordinal);
        Assert.True(v4.Latent?.Admitted);
        Assert.Contains("has no IPv6 address", state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv6).Evidence, StringComparison.Ordinal);
        // From inside the VPC the groups decide: admitted.
        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.Parse("10.0.3.4/32")).Admitted);
        var findings = layer.Findings(state);
        Assert.DoesNotContain(findings, f => f.Id == FindingIds.PortOpenToInternet);
        var latent = Assert.Single(findings, f => f.Id == FindingIds.LatentExposure);
        Assert.Equal(Severity.Warning, latent.Severity);
        Assert.Contains(state.View.Assumptions, a => a.Contains("internet gateway is not read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GroupMembersAndUnreadableLists_AreIndeterminateForWhatTheyMayHold_AndNeverThePublicInternet()
    {
        await using var fake = await FakeEc2.StartAsync();
        var group = fake.CreateGroup();
        var bastion = fake.CreateGroup();
        fake.AddIngressFromGroup(group, "tcp", 22, 22, bastion);
        var instance = fake.CreateInstance([group]);

        var (_, state) = await ReadAsync(fake, instance);

        var view = Assert.IsType<SecurityGroupsView>(state.View);
        var pieces = view.Pieces(Protocol.Tcp, 22, AddressSet.All(IpFamily.IPv4));
        Assert.All(pieces.Where(p => p.Decision == Core.Rules.Decision.Indeterminate), p => Assert.True(AddressSet.Of(IpFamily.IPv4, Cidr.Private).Contains(p.Region)));
        Assert.Contains(pieces, p => p.Decision == Core.Rules.Decision.Indeterminate && p.Region.Contains(System.Net.IPAddress.Parse("10.1.2.3")));
        Assert.All(pieces.Where(p => p.Region.Contains(System.Net.IPAddress.Parse("8.8.8.8"))), p => Assert.Equal(Core.Rules.Decision.Refused, p.Decision));
        Assert.Equal(bastion, view.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).ThroughPeer);
    }

    [Fact]
    public async Task AnAclTheIdentityMayNotRead_MakesTheVerdictIndeterminate_WithTheReason()
    {
        await using var fake = await FakeEc2.StartAsync();
        var group = fake.CreateGroup();
        fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
        var (_, subnet) = fake.CreateNetworkAcl();
        var instance = fake.CreateInstanceInSubnet(subnet, [group]);
        fake.Inject("DescribeNetworkAcls", Ec2Fault.Unauthorized);

        var (_, state) = await ReadAsync(fake, instance);

        var ssh = state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4);
        Assert.True(ssh.Indeterminate, ssh.Evidence);
        Assert.Contains($"the network ACL of {subnet} could not be read (DescribeNetworkAcls: UnauthorizedOperation)", ssh.Evidence, StringComparison.Ordinal);
        // What the groups refuse stays refused: the unread ACL cannot open it.
        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Refused);
    }

    private static async Task<(SecurityGroupCloudLayer Layer, Core.Layers.CloudLayerState State)> ReadAsync(FakeEc2 fake, string instance)
    {
        var layer = Ec2TestClient.CreateLayer(fake);
        var network = await layer.InstanceNetworkAsync(instance);
        var cloud = new SecurityGroupCloudLayer(layer, network.Groups, network.Groups[0], network.Subnets, network: network);
        return (cloud, await cloud.ReadAsync());
    }
}
