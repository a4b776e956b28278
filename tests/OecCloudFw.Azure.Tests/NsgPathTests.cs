using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules.Paths;
using OecCloudFw.Testing.Azure;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Azure.Tests;

/// <summary>
/// The shapes of issue 21 (Azure half) through the real read path (VM, NICs, public IPs, subnets, NSGs from the fake ARM)
/// to the verdicts, the ports table's view, the findings of <c>azure show</c> and <c>azure open --prune</c>.
/// </summary>
public sealed class NsgPathTests : IAsyncLifetime
{
    private FakeArm _arm = null!;

    public async ValueTask InitializeAsync() => _arm = await FakeArm.StartAsync();

    public async ValueTask DisposeAsync() => await _arm.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NsgLayer Layer() => new(_arm.Connection().Connect(_arm.Url.ToString(), Subscription, TimeProvider.System));

    private NsgCloudLayer Vm(string vm = "vm1") => new(Layer(), new NsgTarget(Subscription, "rg1", null, vm));

    private NsgCloudLayer Nsg(string nsg) => new(Layer(), new NsgTarget(Subscription, "rg1", nsg, null));

    private static JsonObject Plural(string name, int priority, string access, string port, params string[] sources)
    {
        var rule = RuleSpec(name, priority, access, "Tcp", string.Empty, port);
        rule["properties"]!["sourceAddressPrefix"] = null;
        rule["properties"]!["sourceAddressPrefixes"] = new JsonArray([.. sources.Select(s => (JsonNode)s)]);
        return rule;
    }

    private static JsonObject ToAsg(string name, int priority, string port, string asg)
    {
        var rule = RuleSpec(name, priority, "Allow", "Tcp", "*", port);
        rule["properties"]!["destinationAddressPrefix"] = null;
        rule["properties"]!["destinationApplicationSecurityGroups"] = new JsonArray(new JsonObject { ["id"] = $"/subscriptions/{Subscription}/resourceGroups/rg1/providers/Microsoft.Network/applicationSecurityGroups/{asg}" });
        return rule;
    }

    private static JsonObject ToAddress(string name, int priority, string port, string address)
    {
        var rule = RuleSpec(name, priority, "Allow", "Tcp", "*", port);
        rule["properties"]!["destinationAddressPrefix"] = address;
        return rule;
    }

    [Fact]
    public async Task SplitSources_OneRuleAndTwoRules_CoverTheInternet_OpenAndCritical()
    {
        var nsg = _arm.AddNsg("rg1", "db-nsg",
            Plural("halves", 100, "Allow", "5432", "0.0.0.0/1", "128.0.0.0/1"),
            RuleSpec("low", 110, "Allow", "Tcp", "0.0.0.0/1", "22"),
            RuleSpec("high", 120, "Allow", "Tcp", "128.0.0.0/1", "22"));
        _arm.AddVm("rg1", "vm1", nsg, null);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);
        var findings = layer.Findings(state);

        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Admitted);
        var db = Assert.Single(findings, f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Equal(Severity.Critical, db.Severity);
        Assert.Contains("(5432)", db.Message, StringComparison.Ordinal);
        Assert.Contains("az network nsg rule delete -g rg1 --nsg-name db-nsg -n halves", db.Fixes);
        var ssh = Assert.Single(findings, f => f.Id == FindingIds.SshOpenToInternet);
        Assert.Contains("az network nsg rule delete -g rg1 --nsg-name db-nsg -n low", ssh.Fixes);
        Assert.Contains("az network nsg rule delete -g rg1 --nsg-name db-nsg -n high", ssh.Fixes);
    }

    [Fact]
    public async Task SplitDenies_AboveAnAllowFromAnywhere_Closed_NoFinding_AndOpenAddsAboveThem()
    {
        var nsg = _arm.AddNsg("rg1", "db-nsg",
            RuleSpec("deny-low", 200, "Deny", "Tcp", "0.0.0.0/1", "5432"),
            RuleSpec("deny-high", 210, "Deny", "Tcp", "128.0.0.0/1", "5432"),
            RuleSpec("deny-v6", 215, "Deny", "Tcp", "::/0", "5432"),
            RuleSpec("allow-db", 220, "Allow", "Tcp", "*", "5432"));
        _arm.AddVm("rg1", "vm1", nsg, null);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);

        var verdict = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(verdict.Refused, verdict.Evidence);
        Assert.Contains("deny-", verdict.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(layer.Findings(state), f => f.Message.Contains("(5432)", StringComparison.Ordinal));
        // The plan agrees: 5432 from anywhere is not admitted, so it is added, above the denies.
        var plan = NsgLayer.PlanOpen(await Layer().ReadAsync(nsg, Ct), PolicyBuilder.Build(new PolicyOptions { Ports = ["5432"], Sources = ["anywhere"] }), false);
        Assert.Contains(plan.Plan.ToAdd, r => r.Ports.From == 5432);
        Assert.True(Assert.Single(plan.NewRules).Priority < 200);
    }

    [Fact]
    public async Task PartialPrefix_AdmitsOnlyThatPart_NotOpenToTheInternet()
    {
        var nsg = _arm.AddNsg("rg1", "db-nsg", RuleSpec("quarter", 100, "Allow", "Tcp", "0.0.0.0/2", "5432"));
        _arm.AddVm("rg1", "vm1", nsg, null);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);
        var view = Assert.IsType<PathView>(state.View);

        Assert.False(view.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        Assert.True(view.Evaluate(Protocol.Tcp, 5432, Cidr.Parse("1.2.3.4/32")).Admitted);
        var admitted = view.Pieces(Protocol.Tcp, 5432, AddressSet.Of(Cidr.AnyIPv4)).Where(p => p.Decision == Core.Rules.Decision.Admitted).Select(p => p.Region).ToList();
        // The quarter, and the load balancer's probe address (a default rule).
        var expected = AddressSet.Of(Cidr.Parse("0.0.0.0/2")).Union(AddressSet.Of(Cidr.Parse("168.63.129.16/32")));
        Assert.Equal(expected, admitted.Aggregate((a, b) => a.Union(b)));
        Assert.DoesNotContain(layer.Findings(state), f => f.Message.Contains("(5432)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StandardPublicIp_NoNsgAnywhere_ClosedWithTheReason_NeverBothNsgsAdmit()
    {
        _arm.AddVm("rg1", "vm1", null, null, publicIpSku: "Standard");

        var state = await Vm().ReadAsync(Ct);

        foreach (var port in new[] { 22, 80, 5432 })
        {
            var verdict = state.View.Evaluate(Protocol.Tcp, port, Cidr.AnyIPv4);
            Assert.True(verdict.Refused, verdict.Evidence);
            Assert.Contains("Standard public IP vm1-nic-ip1 (Standard, 203.0.113.10) is closed to inbound unless an NSG admits it (secure by default)", verdict.Evidence, StringComparison.Ordinal);
            Assert.DoesNotContain("both the NIC and the subnet", verdict.Evidence, StringComparison.Ordinal);
        }

        // From inside the virtual network nothing filters it.
        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.Parse("10.0.0.9/32")).Admitted);
    }

    [Fact]
    public async Task BasicPublicIp_NoNsgAnywhere_Open()
    {
        _arm.AddVm("rg1", "vm1", null, null, publicIpSku: "Basic");
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);

        var verdict = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(verdict.Admitted, verdict.Evidence);
        Assert.Contains("Basic public IP", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains(layer.Findings(state), f => f.Id == FindingIds.PortOpenToInternet && f.Severity == Severity.Critical);
    }

    [Fact]
    public async Task NoPublicIp_NotReachable_WhatTheNsgWouldAdmitIsLatent()
    {
        var nsg = _arm.AddNsg("rg1", "db-nsg", RuleSpec("db", 100, "Allow", "Tcp", "*", "5432"));
        _arm.AddVm("rg1", "vm1", nsg, null, publicIpSku: null);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);

        var verdict = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(verdict.Refused);
        Assert.Contains("nic vm1-nic has no public IPv4 address: not reachable from the internet", verdict.Evidence, StringComparison.Ordinal);
        Assert.NotNull(verdict.Latent);
        Assert.True(verdict.Latent!.Admitted);
        Assert.Contains("db (priority 100", verdict.Latent.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(layer.Findings(state), f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Contains(state.View.Assumptions, a => a.Contains("load balancer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoNics_TheVmAdmitsWhatAnyNicAdmits_EachThroughItsOwnPublicIpAndNsgs()
    {
        var closed = _arm.AddNsg("rg1", "nic1-nsg");
        var web = _arm.AddNsg("rg1", "nic2-nsg", RuleSpec("web", 100, "Allow", "Tcp", "*", "443"));
        var db = _arm.AddNsg("rg1", "nic1-db-nsg", RuleSpec("db", 100, "Allow", "Tcp", "*", "5432"));
        _arm.AddVm("rg1", "vm1", closed, null);
        _arm.AddNic("rg1", "vm1", "vm1-nic2", web, "backend", null, "10.0.1.4", [("Standard", "IPv4")]);
        _arm.AddNic("rg1", "vm1", "vm1-nic3", db, "private", null, "10.0.2.4", []);

        var state = await Vm().ReadAsync(Ct);

        var https = state.View.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4);
        Assert.True(https.Admitted, https.Evidence);
        Assert.StartsWith("nic vm1-nic2:", https.Evidence, StringComparison.Ordinal);
        // 5432 is admitted only on the NIC with no public IP: not reachable, latent.
        var postgres = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(postgres.Refused, postgres.Evidence);
        Assert.True(postgres.Latent?.Admitted);
    }

    [Theory]
    [InlineData("AzureCloud", 5432, Severity.Critical)]
    [InlineData("Storage.WestEurope", 22, Severity.Warning)]
    [InlineData("AzureCloud.WestEurope", 6432, Severity.Warning)]
    public async Task ServiceTagForOtherTenants_DatabaseOrSsh_IsItsOwnFinding_Indeterminate_NeverClosed(string tag, int port, Severity severity)
    {
        var nsg = _arm.AddNsg("rg1", "db-nsg", RuleSpec("from-tag", 100, "Allow", "Tcp", tag, port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _arm.AddVm("rg1", "vm1", nsg, null);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);
        var findings = layer.Findings(state);

        var verdict = state.View.Evaluate(Protocol.Tcp, port, Cidr.AnyIPv4);
        Assert.True(verdict.Indeterminate, verdict.Evidence);
        Assert.Contains(tag, verdict.Evidence, StringComparison.Ordinal);
        var finding = Assert.Single(findings, f => f.Id == FindingIds.OtherTenants);
        Assert.Equal(severity, finding.Severity);
        Assert.Contains($"service tag {tag}", finding.Message, StringComparison.Ordinal);
        Assert.Contains("az network nsg rule delete -g rg1 --nsg-name db-nsg -n from-tag", finding.Fixes);
        Assert.DoesNotContain(findings, f => f.Id is FindingIds.PortOpenToInternet or FindingIds.SshOpenToInternet);
        // A private source is not another tenant: the tag never holds it (the default AllowVnetInBound decides it).
        var inside = state.View.Evaluate(Protocol.Tcp, port, Cidr.Parse("10.0.0.9/32"));
        Assert.DoesNotContain("from-tag", inside.Evidence, StringComparison.Ordinal);
        Assert.Contains("AllowVnetInBound", inside.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Internet")]
    [InlineData("VirtualNetwork")]
    [InlineData("AzureLoadBalancer")]
    public async Task InternetVnetAndLoadBalancerTags_AreNotOtherTenants(string tag)
    {
        var nsg = _arm.AddNsg("rg1", "db-nsg", RuleSpec("from-tag", 100, "Allow", "Tcp", tag, "5432"));
        _arm.AddVm("rg1", "vm1", nsg, null);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);

        Assert.DoesNotContain(layer.Findings(state), f => f.Id == FindingIds.OtherTenants);
        Assert.Equal(tag == "Internet", state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        var probe = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.Parse("168.63.129.16/32"));
        Assert.True(probe.Admitted);
        Assert.Contains(tag == "VirtualNetwork" ? "AllowAzureLoadBalancerInBound" : "from-tag", probe.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestinationAsgOrAddressExcludingTheVm_NoFindingAndClosed_ItsOwnAsgOpen()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg",
            ToAsg("db-asg", 100, "5432", "asg-db"),
            ToAddress("other-vm", 110, "6432", "10.0.0.99/32"),
            ToAsg("web-asg", 120, "8069", "asg-web"));
        _arm.AddVm("rg1", "vm1", null, null, publicIpSku: null);
        _arm.AddNic("rg1", "vm1", "vm1-nic2", nsg, "default", null, "10.0.0.5", [("Standard", "IPv4")], ["asg-web"]);
        var layer = Vm();

        var state = await layer.ReadAsync(Ct);
        var findings = layer.Findings(state);

        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Refused);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 6432, Cidr.AnyIPv4).Refused);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 8069, Cidr.AnyIPv4).Admitted);
        Assert.DoesNotContain(findings, f => f.Message.Contains("(5432)", StringComparison.Ordinal) || f.Message.Contains("(6432)", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Id == FindingIds.PortOpenToInternet && f.Message.Contains("(8069)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NsgAlone_AsgOrAddressDestination_Indeterminate_WithWhy()
    {
        _arm.AddNsg("rg1", "web-nsg", ToAsg("db-asg", 100, "5432", "asg-db"), ToAddress("one-vm", 110, "6432", "10.0.0.99/32"));
        var layer = Nsg("web-nsg");

        var state = await layer.ReadAsync(Ct);

        foreach (var port in new[] { 5432, 6432 })
        {
            var verdict = state.View.Evaluate(Protocol.Tcp, port, Cidr.AnyIPv4);
            Assert.True(verdict.Indeterminate, verdict.Evidence);
            Assert.Contains("which VMs it targets is not known", verdict.Evidence, StringComparison.Ordinal);
        }

        Assert.True(state.View.Evaluate(Protocol.Tcp, 8080, Cidr.AnyIPv4).Refused);
        Assert.DoesNotContain(layer.Findings(state), f => f.Id == FindingIds.PortOpenToInternet);
    }

    [Fact]
    public async Task Prune_AfterTheOwnCombinedRule_SshOnlyFromTheManager_WebStaysOpenThroughout_ASecondRunWritesNothing()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        await CloudOpen.RunAsync(Nsg("web-nsg"), FirewallPolicy.Default, false, false, Ct);
        var combined = Assert.Single(_arm.Rules(nsg));
        Assert.Equal("[\"22\",\"80\",\"443\"]", combined["properties"]!["destinationPortRanges"]!.ToJsonString());
        var writes = new List<string>();
        _arm.BeforeRequest = (method, path) =>
        {
            if (method is "PUT" or "DELETE")
            {
                lock (writes)
                {
                    writes.Add($"{method} {path[(path.LastIndexOf('/') + 1)..]}");
                }
            }
        };
        var policy = PolicyBuilder.Build(new PolicyOptions { SshSources = ["198.51.100.7/32"] });

        var first = await CloudOpen.RunAsync(Nsg("web-nsg"), policy, true, false, Ct);

        var rules = _arm.Rules(nsg).ToDictionary(r => r["name"]!.GetValue<string>(), r => r["properties"]!);
        Assert.Equal(2, rules.Count);
        var ssh = Assert.Single(rules, r => r.Key != combined["name"]!.GetValue<string>()).Value;
        Assert.Equal("\"198.51.100.7/32\"", ssh["sourceAddressPrefix"]!.ToJsonString());
        Assert.Equal("\"22\"", ssh["destinationPortRange"]!.ToJsonString());
        Assert.Equal("[\"80\",\"443\"]", rules[combined["name"]!.GetValue<string>()]["destinationPortRanges"]!.ToJsonString());
        // The new rule first, then the old one narrowed: 80 and 443 never close.
        Assert.Equal(2, writes.Count);
        Assert.StartsWith("PUT oecfw-tcp-22-", writes[0], StringComparison.Ordinal);
        Assert.Equal($"PUT {combined["name"]!.GetValue<string>()}", writes[1]);
        Assert.Empty(first.StillClosed);
        var state = await Nsg("web-nsg").ReadAsync(Ct);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Refused);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 22, Cidr.Parse("198.51.100.7/32")).Admitted);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4).Admitted);

        _arm.ResetCounts();
        var second = await CloudOpen.RunAsync(Nsg("web-nsg"), policy, true, false, Ct);

        Assert.True(second.Plan.IsNoOp);
        Assert.Equal(0, _arm.Writes);
    }

    [Fact]
    public async Task Prune_DeleteRefused_TheMessageSaysWhatWasCreatedAndHowToUndoIt()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("oecfw-tcp-5432-200", 200, "Allow", "Tcp", "*", "5432"));
        _arm.DeniedActions.Add("Microsoft.Network/networkSecurityGroups/securityRules/delete");

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(Nsg("web-nsg"), FirewallPolicy.Default, true, false, Ct));

        var created = Assert.Single(_arm.Rules(nsg), r => r["name"]!.GetValue<string>() != "oecfw-tcp-5432-200")["name"]!.GetValue<string>();
        Assert.Contains("not authorized (AuthorizationFailed)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"created {created}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("oecfw-tcp-5432-200", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"az network nsg rule delete --subscription {Subscription} -g rg1 --nsg-name web-nsg -n {created}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryPortFromAnywhere_OneAllPortsFinding_NotOnePerPort()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("everything", 100, "Allow", "*", "*", "*"));
        _arm.AddVm("rg1", "vm1", nsg, null);
        var layer = Vm();

        var findings = layer.Findings(await layer.ReadAsync(Ct));

        var all = Assert.Single(findings);
        Assert.Equal(FindingIds.AllPortsOpenToInternet, all.Id);
        Assert.Contains("az network nsg rule delete -g rg1 --nsg-name web-nsg -n everything", all.Fixes);
    }

    [Fact]
    public async Task ReadViewAsync_VmOrNsgAlone_ThePathsAsRead()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("web", 100, "Allow", "Tcp", "*", "443"));
        _arm.AddVm("rg1", "vm1", nsg, null, publicIpSku: null);
        var api = _arm.Connection().Connect(_arm.Url.ToString(), Subscription, TimeProvider.System);

        var vm = await NsgCloudLayer.ReadViewAsync(api, new NsgTarget(Subscription, "rg1", null, "vm1"), Ct);
        var alone = await NsgCloudLayer.ReadViewAsync(api, new NsgTarget(Subscription, "rg1", "web-nsg", null), Ct);

        Assert.Equal(["nic vm1-nic"], vm.Paths.Paths.Select(p => p.Name));
        Assert.NotNull(vm.Paths.Paths[0].Reach);
        Assert.True(vm.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4).Refused);
        Assert.Null(Assert.Single(alone.Paths.Paths).Reach);
        Assert.True(alone.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4).Admitted);
    }

    [Fact]
    public async Task OpenPlan_TwoRulesSplittingTheSources_Admitted_NothingToAdd()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg",
            Plural("web-v4", 100, "Allow", "443", "0.0.0.0/1", "128.0.0.0/1"),
            RuleSpec("web-v6", 110, "Allow", "Tcp", "::/0", "443"));

        var plan = NsgLayer.PlanOpen(await Layer().ReadAsync(nsg, Ct), PolicyBuilder.Build(new PolicyOptions { Ports = ["443"] }), false);

        Assert.True(plan.Plan.IsNoOp);
        Assert.Empty(plan.NewRules);
    }
}
