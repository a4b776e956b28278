using OecCloudFw.Aws;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Testing.Aws;

namespace OecCloudFw.Aws.Tests;

public sealed class SecurityGroupLayerTests : IAsyncLifetime
{
    private FakeEc2 _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The guide's ports for IPv4 only (ipv6: false): these tests are about reads, writes and retries, not families.</summary>
    private static readonly FirewallPolicy Ipv4Policy = PolicyBuilder.Build(new PolicyOptions { Ipv6 = false });

    private static string Key(FakeSecurityGroupRule r) => $"{r.IpProtocol}/{r.FromPort}-{r.ToPort} {r.Cidr}";

    [Fact]
    public async Task Open_FreshGroup_OneReadOneAuthorizeWithGuideDescriptions()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);

        var result = await OpenAsync(layer, SecurityGroupId.Parse(group), FirewallPolicy.Default, prune: false, dryRun: false, Ct);

        Assert.True(result.Applied);
        Assert.Equal(1, _fake.Reads);
        Assert.Equal(1, _fake.Calls("AuthorizeSecurityGroupIngress"));
        var ingress = _fake.Ingress(group);
        // The default is both families (one default for every verb): 0.0.0.0/0 and ::/0, still one call.
        Assert.Equal(
            ["tcp/22-22 0.0.0.0/0", "tcp/22-22 ::/0", "tcp/443-443 0.0.0.0/0", "tcp/443-443 ::/0", "tcp/80-80 0.0.0.0/0", "tcp/80-80 ::/0"],
            ingress.Select(Key).Order(StringComparer.Ordinal));
        Assert.All(ingress.Where(r => r.FromPort == 22), r => Assert.Equal("OEC.sh management", r.Description));
        Assert.All(ingress.Where(r => r.FromPort == 80), r => Assert.Equal("Web traffic", r.Description));
        Assert.All(ingress.Where(r => r.FromPort == 443), r => Assert.Equal("Secure web traffic", r.Description));
        Assert.All(ingress, r => Assert.Equal(OwnershipTag.Value, r.Tags[OwnershipTag.Key]));
        Assert.Equal(6, result.Created.Count);
    }

    [Fact]
    public async Task Open_CompliantGroup_OneReadNoMutation()
    {
        var group = _fake.CreateGroup();
        _fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
        _fake.AddIngress(group, "tcp", 80, 80, "0.0.0.0/0");
        _fake.AddIngress(group, "tcp", 443, 443, "0.0.0.0/0");
        var layer = Ec2TestClient.CreateLayer(_fake);

        var result = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);

        Assert.False(result.Applied);
        Assert.True(result.Plan.IsNoOp);
        Assert.Equal(1, _fake.Reads);
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_SecondRun_IsIdempotent()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);
        await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);
        _fake.ResetCounts();

        var second = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);

        Assert.True(second.Plan.IsNoOp);
        Assert.Equal(0, _fake.Mutations);
        Assert.Equal(3, _fake.Ingress(group).Count);
    }

    [Fact]
    public async Task Open_NonCanonicalSource_StoredAsAwsDoesAndStaysCompliant()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);
        var policy = PolicyBuilder.Build(new PolicyOptions { SshSources = ["100.68.0.18/18"] });

        await OpenAsync(layer, SecurityGroupId.Parse(group), policy, false, false, Ct);
        _fake.ResetCounts();
        var again = await OpenAsync(layer, SecurityGroupId.Parse(group), policy, false, false, Ct);

        Assert.Contains(_fake.Ingress(group), r => r.FromPort == 22 && r.Cidr == "100.68.0.0/18");
        Assert.DoesNotContain(_fake.Ingress(group), r => r.FromPort == 22 && r.Cidr == "0.0.0.0/0");
        Assert.Equal(0, _fake.Mutations);
        Assert.True(again.Plan.IsNoOp);
    }

    [Fact]
    public async Task Open_Ipv6_AddsBothFamiliesInOneCall()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);
        var policy = PolicyBuilder.Build(new PolicyOptions { Ipv6 = true });

        await OpenAsync(layer, SecurityGroupId.Parse(group), policy, false, false, Ct);

        Assert.Equal(1, _fake.Mutations);
        Assert.Equal(6, _fake.Ingress(group).Count);
        Assert.Equal(3, _fake.Ingress(group).Count(r => r.CidrIpv6 == "::/0"));
    }

    [Fact]
    public async Task WrongSecret_TheFakeChecksTheSignature_AndTheToolSaysTheCredentialsWereRejected()
    {
        var group = _fake.CreateGroup();
        var config = new Amazon.EC2.AmazonEC2Config { ServiceURL = _fake.Url.ToString(), AuthenticationRegion = "eu-west-1", MaxErrorRetry = 0 };
        var layer = new SecurityGroupLayer(new Amazon.EC2.AmazonEC2Client(new Amazon.Runtime.BasicAWSCredentials("AKIDTEST", "not-the-secret"), config), "eu-west-1");

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => layer.ReadAsync(SecurityGroupId.Parse(group), Ct));

        Assert.Contains("AWS rejected the credentials (SignatureDoesNotMatch)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Ingress(group));
    }

    [Fact]
    public async Task Open_ConcurrentDuplicate_RereadsAndAddsTheRest()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);
        var raced = false;
        _fake.BeforeAction = action =>
        {
            if (action == "AuthorizeSecurityGroupIngress" && !raced)
            {
                raced = true;
                _fake.AddIngress(group, "tcp", 80, 80, "0.0.0.0/0", "added by someone else");
            }
        };

        var result = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);

        Assert.True(result.Applied);
        Assert.Equal(2, _fake.Calls("AuthorizeSecurityGroupIngress"));
        Assert.Equal(3, _fake.Ingress(group).Count);
        Assert.Equal("added by someone else", _fake.Ingress(group).Single(r => r.FromPort == 80).Description);
        // The report says what this run added: 22 and 443; 80 is someone else's, kept.
        Assert.Equal([22, 443], result.Changes.ToAdd.Select(r => r.Ports.From).Order());
        Assert.Contains(result.Changes.Changes, c => c.Kind == ChangeKind.Keep && c.Rule.Ports.From == 80);
        Assert.Equal(2, result.Created.Count);
    }

    [Fact]
    public async Task Open_WouldExceedQuota_FailsBeforeAnyMutation()
    {
        var group = _fake.CreateGroup();
        for (var i = 0; i < 59; i++)
        {
            _fake.AddIngress(group, "tcp", 10000 + i, 10000 + i, "10.0.0.0/8");
        }

        var layer = Ec2TestClient.CreateLayer(_fake);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct));

        Assert.Contains("quota of 60", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Mutations);
        Assert.Equal(59, _fake.Ingress(group).Count);
    }

    [Fact]
    public async Task Open_EndpointEnforcesQuota_RealErrorCodeIsReported()
    {
        var group = _fake.CreateGroup();
        _fake.RulesQuota = 2;
        var layer = Ec2TestClient.CreateLayer(_fake, quota: 100);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct));

        Assert.Contains("RulesPerSecurityGroupLimitExceeded", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Ingress(group));
    }

    [Fact]
    public async Task Read_ManyPages_FollowsNextToken()
    {
        var group = _fake.CreateGroup();
        for (var i = 0; i < 7; i++)
        {
            _fake.AddIngress(group, "tcp", 2000 + i, 2000 + i, "192.0.2.0/24");
        }

        _fake.PageSize = 3;
        var layer = Ec2TestClient.CreateLayer(_fake);

        var snapshot = await layer.ReadAsync(SecurityGroupId.Parse(group), Ct);

        Assert.Equal(7, snapshot.Rules.Count);
        Assert.Equal(3, _fake.Calls("DescribeSecurityGroupRules"));
    }

    [Fact]
    public async Task Read_PrefixListsAndEntriesOverManyPages_ReadsEveryPageThroughThePaginators()
    {
        var group = _fake.CreateGroup();
        // 250 entries: GetManagedPrefixListEntries returns at most 100 a page, so three pages for this list.
        var big = _fake.CreatePrefixList("big", 250, [.. Enumerable.Range(0, 250).Select(i => $"10.{i / 256}.{i % 256}.0/24")]);
        var small = _fake.CreatePrefixList("small", 5, "203.0.113.10/32");
        var third = _fake.CreatePrefixList("third", 5, "198.51.100.0/24", "192.0.2.0/24");
        _fake.AddIngressFromPrefixList(group, "tcp", 22, 22, big);
        _fake.AddIngressFromPrefixList(group, "tcp", 80, 80, small);
        _fake.AddIngressFromPrefixList(group, "tcp", 443, 443, third);
        _fake.PrefixListPageSize = 1;
        _fake.PageSize = 2;
        var layer = Ec2TestClient.CreateLayer(_fake);

        var snapshot = await layer.ReadAsync(SecurityGroupId.Parse(group), Ct);

        Assert.Equal(2, _fake.Calls("DescribeSecurityGroupRules"));
        Assert.Equal(3, _fake.Calls("DescribeManagedPrefixLists"));
        Assert.Equal(3 + 1 + 1, _fake.Calls("GetManagedPrefixListEntries"));
        Assert.Equal(250, snapshot.Rules.Count(r => r.Ports.From == 22));
        Assert.Contains(snapshot.Rules, r => r.Ports.From == 22 && r.Source.ToString() == "10.0.249.0/24");
        Assert.Equal(["big", "small", "third"], snapshot.Peers.Select(p => p.Detail.Split(',')[0]).Order(StringComparer.Ordinal));
        Assert.All(snapshot.Peers, p => Assert.Equal(PeerKind.PrefixList, p.Kind));
    }

    [Fact]
    public async Task ReadNetworkAcls_ManyPages_ReadsEveryPageThroughThePaginator()
    {
        var acls = Enumerable.Range(0, 3).Select(_ => _fake.CreateNetworkAcl()).ToList();
        _fake.AddNetworkAclEntry(acls[2].AclId, 100, false, "6", 22, 22, "0.0.0.0/0", true);
        _fake.NetworkAclPageSize = 1;
        var layer = Ec2TestClient.CreateLayer(_fake);

        var read = await layer.ReadNetworkAclsAsync([.. acls.Select(a => a.SubnetId)], Ct);

        Assert.Equal(3, _fake.Calls("DescribeNetworkAcls"));
        Assert.Equal(acls.Select(a => a.SubnetId).Order(StringComparer.Ordinal), read.Select(a => a.SubnetId).Order(StringComparer.Ordinal));
        Assert.Contains(read.Single(a => a.SubnetId == acls[2].SubnetId).Entries, e => e.RuleNumber == 100 && e.Allow);
    }

    [Fact]
    public async Task Read_DeniedOnALaterPage_MappedAsEc2ErrorsNamesTheAction()
    {
        var group = _fake.CreateGroup();
        for (var i = 0; i < 4; i++)
        {
            _fake.AddIngress(group, "tcp", 2000 + i, 2000 + i, "192.0.2.0/24");
        }

        _fake.PageSize = 2;
        // The first page is served, then the paginator's second request is refused.
        _fake.BeforeAction = action =>
        {
            if (action == "DescribeSecurityGroupRules" && _fake.Calls(action) == 2)
            {
                _fake.Inject(action, Ec2Fault.Unauthorized);
            }
        };
        var layer = Ec2TestClient.CreateLayer(_fake);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => layer.ReadAsync(SecurityGroupId.Parse(group), Ct));

        Assert.Equal($"not authorized to call ec2:DescribeSecurityGroupRules on {group} (UnauthorizedOperation): grant the IAM action ec2:DescribeSecurityGroupRules to this identity", ex.Message);
        Assert.Equal(2, _fake.Calls("DescribeSecurityGroupRules"));
    }

    [Fact]
    public async Task Open_MissingGroup_NamesGroupAndRegion()
    {
        var layer = Ec2TestClient.CreateLayer(_fake);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(layer, SecurityGroupId.Parse("sg-0123456789abcdef0"), Ipv4Policy, false, false, Ct));

        Assert.Equal("security group sg-0123456789abcdef0 not found in eu-west-1 (InvalidGroup.NotFound): check --region and the group id", ex.Message);
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_Unauthorized_NamesTheMissingIamAction()
    {
        var group = _fake.CreateGroup();
        _fake.Inject("AuthorizeSecurityGroupIngress", Ec2Fault.Unauthorized);
        var layer = Ec2TestClient.CreateLayer(_fake);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct));

        Assert.Contains("ec2:AuthorizeSecurityGroupIngress", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UnauthorizedOperation", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Ingress(group));
    }

    [Fact]
    public async Task Open_ThrottledAndServerErrors_SdkRetriesAndConverges()
    {
        var group = _fake.CreateGroup();
        _fake.Inject("DescribeSecurityGroupRules", Ec2Fault.ServerError);
        _fake.Inject("AuthorizeSecurityGroupIngress", Ec2Fault.Throttle, 2);
        var layer = Ec2TestClient.CreateLayer(_fake);

        var result = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);

        Assert.True(result.Applied);
        Assert.Equal(3, _fake.Calls("AuthorizeSecurityGroupIngress"));
        Assert.Equal(3, _fake.Ingress(group).Count);
    }

    [Fact]
    public async Task Open_ThrottledBeyondRetries_FailsCleanlyThenConvergesOnRerun()
    {
        var group = _fake.CreateGroup();
        _fake.Inject("AuthorizeSecurityGroupIngress", Ec2Fault.Throttle, 4);
        var layer = Ec2TestClient.CreateLayer(_fake);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct));
        Assert.Contains("RequestLimitExceeded", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Ingress(group));

        var rerun = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);
        Assert.True(rerun.Applied);
        Assert.Equal(3, _fake.Ingress(group).Count);
    }

    [Fact]
    public async Task Open_SlowResponseTimesOut_RetryConvergesWithoutDuplicates()
    {
        var group = _fake.CreateGroup();
        _fake.SlowDelay = TimeSpan.FromSeconds(3);
        _fake.Inject("AuthorizeSecurityGroupIngress", Ec2Fault.SlowResponse);
        var layer = Ec2TestClient.CreateLayer(_fake, timeout: TimeSpan.FromSeconds(1));

        try
        {
            await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);
        }
        catch (LayerFailureException)
        {
            // Failing cleanly is allowed; the re-run below must converge.
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        var rerun = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, false, Ct);

        Assert.True(rerun.Plan.IsNoOp);
        Assert.Equal(3, _fake.Ingress(group).Count);
    }

    [Fact]
    public async Task Open_DryRun_ChangesNothing()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);

        var result = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, false, dryRun: true, Ct);

        Assert.Equal(3, result.Changes.ToAdd.Count());
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_Prune_RemovesOnlyOwnExtras()
    {
        var group = _fake.CreateGroup();
        var own = new Dictionary<string, string> { [OwnershipTag.Key] = OwnershipTag.Value };
        _fake.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/0", "PostgreSQL", own);
        _fake.AddIngress(group, "tcp", 3306, 3306, "0.0.0.0/0", "someone's MySQL");
        var layer = Ec2TestClient.CreateLayer(_fake);

        var result = await OpenAsync(layer, SecurityGroupId.Parse(group), Ipv4Policy, prune: true, dryRun: false, Ct);

        Assert.Single(result.Removed);
        Assert.DoesNotContain(_fake.Ingress(group), r => r.FromPort == 5432);
        Assert.Contains(_fake.Ingress(group), r => r.FromPort == 3306);
        Assert.Equal(["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"], _fake.CallLog.Where(a => !a.StartsWith("Describe", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Open_Prune_RevokeRefusedAfterTheAuthorize_SaysWhatWasCreated_AndHowToUndoIt()
    {
        var group = _fake.CreateGroup();
        var own = new Dictionary<string, string> { [OwnershipTag.Key] = OwnershipTag.Value };
        _fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0", "OEC.sh management", own);
        _fake.Inject("RevokeSecurityGroupIngress", Ec2Fault.Unauthorized);
        var layer = Ec2TestClient.CreateLayer(_fake);
        var policy = PolicyBuilder.Build(new PolicyOptions { Ipv6 = false, SshSources = ["203.0.113.9/32"] });

        var failure = await Assert.ThrowsAsync<Core.LayerFailureException>(() => OpenAsync(layer, SecurityGroupId.Parse(group), policy, prune: true, dryRun: false, Ct));

        var created = _fake.Ingress(group).Single(r => r.FromPort == 22 && r.CidrIpv4 == "203.0.113.9/32").RuleId;
        Assert.Contains("UnauthorizedOperation", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"already done before that: created {created}", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {created}", failure.Message, StringComparison.Ordinal);
        // The broad rule is still there (the revoke was refused), and so is the narrow one: nothing is lost.
        Assert.Contains(_fake.Ingress(group), r => r.FromPort == 22 && r.CidrIpv4 == "0.0.0.0/0");
    }

    [Fact]
    public async Task Close_OwnRule_RevokedByIdForeignLeft()
    {
        var group = _fake.CreateGroup();
        var own = new Dictionary<string, string> { [OwnershipTag.Key] = OwnershipTag.Value };
        var ownId = _fake.AddIngress(group, "tcp", 8069, 8069, "203.0.113.0/24", "Direct Odoo HTTP", own);
        _fake.AddIngress(group, "tcp", 8069, 8069, "198.51.100.0/24", "console rule");
        _fake.AddIngress(group, "tcp", 8000, 9000, "0.0.0.0/0", "wide");
        var layer = Ec2TestClient.CreateLayer(_fake);

        var result = await CloseAsync(layer, SecurityGroupId.Parse(group), [PortRange.Single(8069)], [], Protocol.Tcp, false, Ct);

        Assert.Equal(ownId, Assert.Single(result.Removed).Id);
        Assert.Single(result.LeftForeign);
        Assert.Equal(2, result.StillAdmittedBy.Count);
        Assert.DoesNotContain(_fake.Ingress(group), r => r.RuleId == ownId);
        Assert.Equal(2, _fake.Ingress(group).Count);
        Assert.Equal(1, _fake.Calls("RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task Close_WithSource_RevokesOnlyThatSource()
    {
        var group = _fake.CreateGroup();
        var layer = Ec2TestClient.CreateLayer(_fake);
        var policy = PolicyBuilder.Build(new PolicyOptions { Optional = ["5432"], Sources = ["10.0.0.5/32", "10.0.0.6/32"] });
        await OpenAsync(layer, SecurityGroupId.Parse(group), policy, false, false, Ct);

        await CloseAsync(layer, SecurityGroupId.Parse(group), [PortRange.Single(5432)], [Cidr.Parse("10.0.0.5/32")], Protocol.Tcp, false, Ct);

        Assert.Equal(["10.0.0.6/32"], _fake.Ingress(group).Where(r => r.FromPort == 5432).Select(r => r.Cidr));
    }

    [Fact]
    public void Close_SshWithoutForce_IsRefusedWithTheReason()
    {
        var ex = Assert.Throws<InvalidInputException>(() => SshGuard.EnsureNotClosing([PortRange.Single(22)], [22], force: false));

        Assert.Contains("OEC.sh cannot manage the server", ex.Message, StringComparison.Ordinal);
        SshGuard.EnsureNotClosing([PortRange.Single(22)], [22], force: true);
        SshGuard.EnsureNotClosing([PortRange.Single(80)], [22], force: false);
    }

    [Fact]
    public async Task Read_ForeignAndReferenceRules_AreNormalized()
    {
        var group = _fake.CreateGroup();
        _fake.AddIngress(group, "-1", -1, -1, "0.0.0.0/0");
        _fake.AddIngress(group, "tcp", 0, 65535, "::/0");
        var layer = Ec2TestClient.CreateLayer(_fake);

        var snapshot = await layer.ReadAsync(SecurityGroupId.Parse(group), Ct);

        Assert.Contains(snapshot.Rules, r => r.Protocol == Protocol.All && r.Ports.IsAll && r.Source.IsInternet && r.Origin == RuleOrigin.Foreign);
        Assert.Contains(snapshot.Rules, r => r.Protocol == Protocol.Tcp && r.Ports.IsAll && r.Family == IpFamily.IPv6);
        Assert.True(new SecurityGroupsView([snapshot]).Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        // An every-port rule is a finding to remove, never what keeps a wanted port open: the plan adds 22/80/443 exactly.
        Assert.Equal(3, Planner.Build(Ipv4Policy.DesiredRules(), snapshot.Rules).ToAdd.Count());
    }

    /// <summary>aws open's one implementation (the cloud-layer seam) over one group.</summary>
    private static Task<CloudOpenResult> OpenAsync(SecurityGroupLayer layer, SecurityGroupId group, FirewallPolicy policy, bool prune, bool dryRun, CancellationToken cancellationToken) =>
        CloudOpen.RunAsync(new SecurityGroupCloudLayer(layer, group), policy, prune, dryRun, cancellationToken);

    /// <summary>aws close's one implementation (the cloud-layer seam) over one group.</summary>
    private static Task<CloudCloseResult> CloseAsync(SecurityGroupLayer layer, SecurityGroupId group, IReadOnlyList<PortRange> ports, IReadOnlyList<Cidr> sources, Protocol protocol, bool dryRun, CancellationToken cancellationToken) =>
        CloudClose.RunAsync(new SecurityGroupCloudLayer(layer, group), new CloseSelection(ports, sources, protocol), dryRun, cancellationToken);
}
