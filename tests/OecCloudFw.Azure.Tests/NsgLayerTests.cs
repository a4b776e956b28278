using System.Text.Json.Nodes;
using OecCloudFw.Azure;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Testing.Azure;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Azure.Tests;

/// <summary>The NSG layer through the real Azure.ResourceManager pipeline against a fake ARM endpoint over TLS.</summary>
public sealed class NsgLayerTests : IAsyncLifetime
{
    private FakeArm _arm = null!;

    public async ValueTask InitializeAsync() => _arm = await FakeArm.StartAsync();

    public async ValueTask DisposeAsync() => await _arm.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NsgLayer Layer() => new(_arm.Connection().Connect(_arm.Url.ToString(), Subscription, TimeProvider.System));

    private static string Prop(JsonObject rule, string name) => rule["properties"]![name]?.ToJsonString() ?? "null";

    [Fact]
    public async Task Open_FreshNsg_OneReadOneWriteWithPluralPortsAndLroPolled()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");

        var result = await OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct);

        Assert.True(result.Applied);
        Assert.Equal(1, _arm.Reads);
        Assert.Equal(1, _arm.Writes);
        Assert.True(_arm.Polls >= 2);
        var rule = Assert.Single(_arm.Rules(nsg));
        Assert.Equal("oecfw-tcp-22_80_443-100", rule["name"]!.GetValue<string>());
        Assert.Equal("[\"22\",\"80\",\"443\"]", Prop(rule, "destinationPortRanges"));
        // The default is both families: one rule from * (Azure's any source, IPv4 and IPv6).
        Assert.Equal("\"*\"", Prop(rule, "sourceAddressPrefix"));
        Assert.Equal("\"OEC.sh management; Web traffic; Secure web traffic\"", Prop(rule, "description"));
    }

    [Fact]
    public async Task Open_CompliantNsg_OneReadZeroWrites()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("web", 300, "Allow", "Tcp", "Internet", "*"));

        var result = await OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct);

        Assert.True(result.Plan.IsNoOp);
        Assert.Equal(1, _arm.Reads);
        Assert.Equal(0, _arm.Writes);
    }

    [Fact]
    public async Task Open_SshRestrictedAndIpv6_SeparateRulesWithPluralPrefixes()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        var policy = PolicyBuilder.Build(new PolicyOptions { SshSources = ["203.0.113.7/32", "198.51.100.0/24"], Ipv6 = true });

        await OpenAsync(nsg, policy, false, false, Ct);

        var rules = _arm.Rules(nsg);
        Assert.Equal(2, rules.Count);
        var ssh = rules.Single(r => r["name"]!.GetValue<string>().Contains("-22-", StringComparison.Ordinal));
        Assert.Equal("[\"198.51.100.0/24\",\"203.0.113.7/32\"]", Prop(ssh, "sourceAddressPrefixes"));
        var web = rules.Single(r => r["name"]!.GetValue<string>().Contains("80_443", StringComparison.Ordinal));
        Assert.Equal("\"*\"", Prop(web, "sourceAddressPrefix"));
        Assert.Equal(2, _arm.Writes);
    }

    [Fact]
    public async Task Open_DenyWouldShadow_NewRuleGoesAboveItAndTheResultAdmits()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg",
            RuleSpec("someone-allow", 100, "Allow", "Tcp", "10.0.0.0/8", "3306"),
            RuleSpec("block-web", 150, "Deny", "Tcp", "*", "443"));

        await OpenAsync(nsg, PolicyBuilder.Build(new PolicyOptions { Ports = ["443"] }), false, false, Ct);
        var after = await Layer().ReadAsync(nsg, Ct);

        var added = _arm.Rules(nsg).Single(r => r["name"]!.GetValue<string>().StartsWith("oecfw-", StringComparison.Ordinal));
        Assert.Equal("101", Prop(added, "priority"));
        Assert.True(NsgCloudLayer.View(VmNetwork.Alone(after), "web-nsg").Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4).Admitted);
    }

    [Fact]
    public async Task Open_DenyAtTheTop_NoFreePriorityIsAClearError()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("block-all", 100, "Deny", "*", "*", "*"));

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct));

        Assert.Contains("no free priority", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _arm.Writes);
    }

    [Fact]
    public async Task Open_SecurityRuleConflict_RetriesWithTheNextFreeSlot()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        var raced = false;
        _arm.BeforeRequest = (method, _) =>
        {
            if (method == "PUT" && !raced)
            {
                raced = true;
                _arm.AddRule(nsg, RuleSpec("portal-rule", 100, "Allow", "Tcp", "10.1.0.0/16", "8080"));
            }
        };

        await OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct);

        var ours = _arm.Rules(nsg).Single(r => r["name"]!.GetValue<string>().StartsWith("oecfw-", StringComparison.Ordinal));
        Assert.Equal("101", Prop(ours, "priority"));
        Assert.Equal("oecfw-tcp-22_80_443-101", ours["name"]!.GetValue<string>());
        Assert.Equal(2, _arm.Writes);
    }

    [Fact]
    public async Task Open_Throttled_PipelineRetriesAfterRetryAfterAndConverges()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        _arm.Inject("PUT", 429);

        var result = await OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct);

        Assert.True(result.Applied);
        Assert.Equal(1, _arm.Throttled);
        Assert.Equal(1, _arm.Writes);
        Assert.Single(_arm.Rules(nsg));
    }

    [Fact]
    public async Task Open_NotAuthorizedToWrite_NamesThePermissionAndChangesNothing()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        _arm.DeniedActions.Add("Microsoft.Network/networkSecurityGroups/securityRules/write");

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct));

        Assert.Contains("AuthorizationFailed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Network/networkSecurityGroups/securityRules/write", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_arm.Rules(nsg));
    }

    [Fact]
    public async Task Read_MissingNsgOrGroup_ClearNotFound()
    {
        _arm.AddNsg("rg1", "web-nsg");

        var nsg = await Assert.ThrowsAsync<LayerFailureException>(() => Layer().ReadAsync(_arm.Id("rg1", "Microsoft.Network/networkSecurityGroups", "nope"), Ct));
        var group = await Assert.ThrowsAsync<LayerFailureException>(() => Layer().ReadAsync(_arm.Id("rg9", "Microsoft.Network/networkSecurityGroups", "nope"), Ct));

        Assert.Contains("network security group nope not found (ResourceNotFound)", nsg.Message, StringComparison.Ordinal);
        Assert.Contains("ResourceGroupNotFound", group.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_PluralPrefixesPortsAndServiceTags_EvaluatedInPriorityOrder()
    {
        var plural = RuleSpec("bi", 120, "Allow", "Tcp", string.Empty, string.Empty);
        plural["properties"]!["sourceAddressPrefix"] = null;
        plural["properties"]!["sourceAddressPrefixes"] = new JsonArray("10.0.0.5/32", "192.0.2.0/24");
        plural["properties"]!["destinationPortRange"] = null;
        plural["properties"]!["destinationPortRanges"] = new JsonArray("5432", "6432-6433");
        var nsg = _arm.AddNsg("rg1", "db-nsg",
            plural,
            RuleSpec("vnet-ssh", 130, "Allow", "Tcp", "VirtualNetwork", "22"),
            RuleSpec("deny-db", 140, "Deny", "*", "Internet", "5432"),
            RuleSpec("allow-all-db", 150, "Allow", "Tcp", "*", "5432"));

        var rules = NsgCloudLayer.View(VmNetwork.Alone(await Layer().ReadAsync(nsg, Ct)), "db-nsg");

        Assert.True(rules.Evaluate(Protocol.Tcp, 6433, Cidr.Parse("192.0.2.9/32")).Admitted);
        Assert.True(rules.Evaluate(Protocol.Tcp, 5432, Cidr.Parse("10.0.0.5/32")).Admitted);
        Assert.False(rules.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        Assert.Contains("deny-db", rules.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv6).Evidence, StringComparison.Ordinal);
        // VirtualNetwork: perhaps a private source, never a public one.
        Assert.True(rules.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Refused);
        Assert.True(rules.Evaluate(Protocol.Tcp, 22, Cidr.Parse("10.1.2.3/32")).Indeterminate);
        Assert.Contains("DenyAllInBound (priority 65500", rules.Evaluate(Protocol.Tcp, 8080, Cidr.AnyIPv4).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Prune_DeletesOnlyOwnExtraRules()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg",
            RuleSpec("oecfw-tcp-5432-200", 200, "Allow", "Tcp", "*", "5432"),
            RuleSpec("portal-mysql", 210, "Allow", "Tcp", "*", "3306"));

        var result = await OpenAsync(nsg, FirewallPolicy.Default, prune: true, dryRun: false, Ct);

        Assert.Equal(["oecfw-tcp-5432-200"], result.Removed);
        var names = _arm.Rules(nsg).Select(r => r["name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("oecfw-tcp-5432-200", names);
        Assert.Contains("portal-mysql", names);
    }

    [Fact]
    public async Task Close_OwnPluralRule_NarrowedOrDeleted_ForeignLeft()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        await OpenAsync(nsg, FirewallPolicy.Default, false, false, Ct);
        _arm.AddRule(nsg, RuleSpec("portal-web", 300, "Allow", "Tcp", "*", "80"));

        var parts = nsg.Split('/');
        var close80 = await CloudClose.RunAsync(new NsgCloudLayer(Layer(), new NsgTarget(Subscription, "rg1", parts[^1], null)), new CloseSelection([PortRange.Single(80)], [], Protocol.Tcp), false, Ct);
        var ours = _arm.Rules(nsg).Single(r => r["name"]!.GetValue<string>().StartsWith("oecfw-", StringComparison.Ordinal));

        Assert.Single(NsgCloudLayer.Narrowed(close80.Plan));
        Assert.Equal("[\"22\",\"443\"]", Prop(ours, "destinationPortRanges"));
        Assert.Equal(["portal-web"], close80.LeftForeign.Select(r => r.Id!.Split(' ')[0]).Distinct()); // one per family of its source "*"
        Assert.True(close80.StillOpen);
        Assert.Contains(close80.StillAdmitted, v => v.Admitted); // the NSG as the close leaves it still admits 80 from the internet
    }

    [Fact]
    public async Task Vm_NicAndSubnetNsgs_PortOpenOnlyIfBothAdmit()
    {
        var nic = _arm.AddNsg("rg1", "vm1-nic-nsg", RuleSpec("web", 100, "Allow", "Tcp", "*", "443"));
        var subnet = _arm.AddNsg("rg1", "subnet-nsg", RuleSpec("ssh", 100, "Allow", "Tcp", "*", "22"));
        _arm.AddVm("rg1", "vm1", nic, subnet);

        var read = await Layer().ReadVmAsync(new NsgTarget(Subscription, "rg1", null, "vm1"), Ct);
        var network = NsgCloudLayer.View(read, "vm1");

        Assert.Equal(["vm1-nic-nsg"], read.NicNsgs.Select(n => n.Name));
        Assert.Equal(["subnet-nsg"], read.SubnetNsgs.Select(n => n.Name));
        var https = network.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4);
        Assert.Equal(Core.Rules.Decision.Refused, https.Decision);
        Assert.Contains("subnet NSG subnet-nsg", https.Evidence, StringComparison.Ordinal);
        Assert.Equal(Core.Rules.Decision.Refused, network.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Decision);
        Assert.Equal(6, _arm.Reads); // the VM, its NIC, the NIC's public IP, the subnet, the two NSGs
    }

    [Fact]
    public void Names_BreakingAzureRules_AreRejected()
    {
        Assert.Throws<InvalidInputException>(() => AzureNames.Nsg("-bad"));
        Assert.Throws<InvalidInputException>(() => AzureNames.Nsg(new string('a', 81)));
        Assert.Throws<InvalidInputException>(() => AzureNames.ResourceGroup("rg."));
        Assert.Throws<InvalidInputException>(() => AzureNames.Subscription("not-a-guid"));
        Assert.Equal("web_nsg.1", AzureNames.Nsg("web_nsg.1"));
    }

    /// <summary>azure open's one implementation (the cloud-layer seam) over the NSG named by its id.</summary>
    private Task<CloudOpenResult> OpenAsync(string nsgId, FirewallPolicy policy, bool prune, bool dryRun, CancellationToken cancellationToken)
    {
        var parts = nsgId.Split('/');
        var target = new NsgTarget(Subscription, parts[Array.IndexOf(parts, "resourceGroups") + 1], parts[^1], null);
        return CloudOpen.RunAsync(new NsgCloudLayer(Layer(), target), policy, prune, dryRun, cancellationToken);
    }
}
