// The example responses of DigitalOcean's public OpenAPI description (github.com/digitalocean/openapi at 7c1300c4,
// the same commit the fake follows), transcribed from YAML to JSON as published (values unchanged), deserialized with
// the product's source-generated context (ApiJson) and read into the layer's records:
// - specification/resources/firewalls/responses/list_firewalls_response.yml (GET /v2/firewalls)
// - specification/resources/droplets/responses/all_firewalls.yml (GET /v2/droplets/{id}/firewalls)
// - specification/resources/firewalls/responses/create_firewall_response.yml (POST /v2/firewalls)
// - specification/resources/droplets/responses/examples.yml, droplet_single (GET /v2/droplets/{id}) and droplets_tagged
//   (GET /v2/droplets?tag_name=env:prod, the "Droplets Filtered By Tag" example of responses/all_droplets.yml)
// - specification/shared/responses/unauthorized.yml (401)
// Request bodies: specification/resources/firewalls/firewalls_add_rules.yml's example, written back by the product.
using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Core.Net;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean.Tests.Product;

public sealed class PublishedApiExamplesTests
{
    private const string ListFirewalls = """
        {"firewalls": [{"id": "fb6045f1-cf1d-4ca3-bfac-18832663025b", "name": "firewall", "status": "succeeded", "inbound_rules": [{"protocol": "tcp", "ports": "80", "sources": {"load_balancer_uids": ["4de7ac8b-495b-4884-9a69-1050c6793cd6"]}}, {"protocol": "tcp", "ports": "22", "sources": {"tags": ["gateway"], "addresses": ["18.0.0.0/8"]}}], "outbound_rules": [{"protocol": "tcp", "ports": "80", "destinations": {"addresses": ["0.0.0.0/0", "::/0"]}}], "created_at": "2017-05-23T21:23:59Z", "droplet_ids": [8043964], "tags": [], "pending_changes": []}], "links": {}, "meta": {"total": 1}}
        """;

    private const string DropletFirewalls = """
        {"firewalls": [{"id": "bb4b2611-3d72-467b-8602-280330ecd65c", "status": "succeeded", "created_at": "2020-05-23T21:24:00Z", "pending_changes": [{"droplet_id": 8043964, "removing": true, "status": "waiting"}], "name": "firewall", "droplet_ids": [89989, 33322], "tags": ["base-image", "prod"], "inbound_rules": [{"protocol": "udp", "ports": "8000-9000", "sources": {"addresses": ["1.2.3.4", "18.0.0.0/8"], "droplet_ids": [8282823, 3930392], "load_balancer_uids": ["4de7ac8b-495b-4884-9a69-1050c6793cd6"], "tags": ["base-image", "dev"]}}], "outbound_rules": [{"protocol": "tcp", "ports": "7000-9000", "destinations": {"addresses": ["1.2.3.4", "18.0.0.0/8"], "droplet_ids": [3827493, 213213], "load_balancer_uids": ["4de7ac8b-495b-4884-9a69-1050c6793cd6"], "tags": ["base-image", "prod"]}}]}], "links": {"pages": {}}, "meta": {"total": 1}}
        """;

    private const string CreateFirewall = """
        {"firewall": {"id": "bb4b2611-3d72-467b-8602-280330ecd65c", "name": "firewall", "status": "waiting", "inbound_rules": [{"protocol": "tcp", "ports": "80", "sources": {"load_balancer_uids": ["4de7ac8b-495b-4884-9a69-1050c6793cd6"]}}, {"protocol": "tcp", "ports": "22", "sources": {"tags": ["gateway"], "addresses": ["18.0.0.0/8"]}}], "outbound_rules": [{"protocol": "tcp", "ports": "80", "destinations": {"addresses": ["0.0.0.0/0", "::/0"]}}], "created_at": "2017-05-23T21:24:00Z", "droplet_ids": [8043964], "tags": [], "pending_changes": [{"droplet_id": 8043964, "removing": false, "status": "waiting"}]}}
        """;

    private const string Droplet = """
        {"droplet": {"id": 3164444, "name": "example.com", "memory": 1024, "vcpus": 1, "disk": 25, "disk_info": [{"type": "local", "size": {"amount": 25, "unit": "gib"}}], "locked": false, "status": "active", "kernel": null, "created_at": "2020-07-21T18:37:44Z", "features": ["backups", "private_networking", "ipv6"], "backup_ids": [53893572], "next_backup_window": {"start": "2020-07-30T00:00:00Z", "end": "2020-07-30T23:00:00Z"}, "snapshot_ids": [67512819], "image": {"id": 63663980, "name": "20.04 (LTS) x64", "distribution": "Ubuntu", "slug": "ubuntu-20-04-x64", "public": true, "regions": ["ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "sgp1", "tor1"], "created_at": "2020-05-15T05:47:50Z", "type": "snapshot", "min_disk_size": 20, "size_gigabytes": 2.36, "description": "", "tags": [], "status": "available", "error_message": ""}, "volume_ids": [], "size": {"slug": "s-1vcpu-1gb", "memory": 1024, "vcpus": 1, "disk": 25, "transfer": 1.0, "price_monthly": 5.0, "price_hourly": 0.00743999984115362, "regions": ["ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "sgp1", "tor1"], "available": true, "description": "Basic"}, "size_slug": "s-1vcpu-1gb", "networks": {"v4": [{"ip_address": "10.128.192.124", "netmask": "255.255.0.0", "gateway": "nil", "type": "private"}, {"ip_address": "192.241.165.154", "netmask": "255.255.255.0", "gateway": "192.241.165.1", "type": "public"}], "v6": [{"ip_address": "2604:a880:0:1010::18a:a001", "netmask": 64, "gateway": "2604:a880:0:1010::1", "type": "public"}]}, "region": {"name": "New York 3", "slug": "nyc3", "features": ["private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"], "available": true, "sizes": ["s-1vcpu-1gb", "s-1vcpu-2gb", "s-1vcpu-3gb", "s-2vcpu-2gb", "s-3vcpu-1gb", "s-2vcpu-4gb", "s-4vcpu-8gb", "s-6vcpu-16gb", "s-8vcpu-32gb", "s-12vcpu-48gb", "s-16vcpu-64gb", "s-20vcpu-96gb", "s-24vcpu-128gb", "s-32vcpu-192g"]}, "tags": ["web", "env:prod"], "vpc_uuid": "760e09ef-dc84-11e8-981e-3cfdfeaae000"}}
        """;

    /// <summary>GET /v2/droplets?tag_name=env:prod: responses/examples.yml, droplets_tagged (the fake's answer is checked against it too).</summary>
    internal const string DropletsTagged = """
        {"droplets": [{"id": 3164444, "name": "example.com", "memory": 1024, "vcpus": 1, "disk": 25, "disk_info": [{"type": "local", "size": {"amount": 25, "unit": "gib"}}], "locked": false, "status": "active", "kernel": null, "created_at": "2020-07-21T18:37:44Z", "features": ["backups", "private_networking", "ipv6"], "backup_ids": [53893572], "next_backup_window": {"start": "2020-07-30T00:00:00Z", "end": "2020-07-30T23:00:00Z"}, "snapshot_ids": [67512819], "image": {"id": 63663980, "name": "20.04 (LTS) x64", "distribution": "Ubuntu", "slug": "ubuntu-20-04-x64", "public": true, "regions": ["ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "sgp1", "tor1"], "created_at": "2020-05-15T05:47:50Z", "type": "snapshot", "min_disk_size": 20, "size_gigabytes": 2.36, "description": "", "tags": [], "status": "available", "error_message": ""}, "volume_ids": [], "size": {"slug": "s-1vcpu-1gb", "memory": 1024, "vcpus": 1, "disk": 25, "transfer": 1.0, "price_monthly": 5.0, "price_hourly": 0.00743999984115362, "regions": ["ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "sgp1", "tor1"], "available": true, "description": "Basic"}, "size_slug": "s-1vcpu-1gb", "networks": {"v4": [{"ip_address": "10.128.192.124", "netmask": "255.255.0.0", "gateway": "nil", "type": "private"}, {"ip_address": "192.241.165.154", "netmask": "255.255.255.0", "gateway": "192.241.165.1", "type": "public"}], "v6": [{"ip_address": "2604:a880:0:1010::18a:a001", "netmask": 64, "gateway": "2604:a880:0:1010::1", "type": "public"}]}, "region": {"name": "New York 3", "slug": "nyc3", "features": ["private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"], "available": true, "sizes": ["s-1vcpu-1gb", "s-1vcpu-2gb", "s-1vcpu-3gb", "s-2vcpu-2gb", "s-3vcpu-1gb", "s-2vcpu-4gb", "s-4vcpu-8gb", "s-6vcpu-16gb", "s-8vcpu-32gb", "s-12vcpu-48gb", "s-16vcpu-64gb", "s-20vcpu-96gb", "s-24vcpu-128gb", "s-32vcpu-192g"]}, "tags": ["web", "env:prod"], "vpc_uuid": "760e09ef-dc84-11e8-981e-3cfdfeaae000"}, {"id": 3164459, "name": "assets.example.com", "memory": 1024, "vcpus": 1, "disk": 25, "disk_info": [{"type": "local", "size": {"amount": 25, "unit": "gib"}}], "locked": false, "status": "active", "kernel": null, "created_at": "2020-07-21T18:42:27Z", "features": ["private_networking"], "backup_ids": [], "next_backup_window": {"start": "2020-07-30T00:00:00Z", "end": "2020-07-30T23:00:00Z"}, "snapshot_ids": [], "image": {"id": 63663980, "name": "20.04 (LTS) x64", "distribution": "Ubuntu", "slug": "ubuntu-20-04-x64", "public": true, "regions": ["ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "sgp1", "tor1"], "created_at": "2020-05-15T05:47:50Z", "type": "snapshot", "min_disk_size": 20, "size_gigabytes": 2.36, "description": "", "tags": [], "status": "available", "error_message": ""}, "volume_ids": ["506f78a4-e098-11e5-ad9f-000f53306ae1"], "size": {"slug": "s-1vcpu-1gb", "memory": 1024, "vcpus": 1, "disk": 25, "transfer": 1.0, "price_monthly": 5.0, "price_hourly": 0.00743999984115362, "regions": ["ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "sgp1", "tor1"], "available": true, "description": "Basic"}, "size_slug": "s-1vcpu-1gb", "networks": {"v4": [{"ip_address": "10.128.192.138", "netmask": "255.255.0.0", "gateway": "nil", "type": "private"}, {"ip_address": "162.243.0.4", "netmask": "255.255.255.0", "gateway": "162.243.0.1", "type": "public"}], "v6": []}, "region": {"name": "New York 3", "slug": "nyc3", "features": ["private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"], "available": true, "sizes": ["s-1vcpu-1gb", "s-1vcpu-2gb", "s-1vcpu-3gb", "s-2vcpu-2gb", "s-3vcpu-1gb", "s-2vcpu-4gb", "s-4vcpu-8gb", "s-6vcpu-16gb", "s-8vcpu-32gb", "s-12vcpu-48gb", "s-16vcpu-64gb", "s-20vcpu-96gb", "s-24vcpu-128gb", "s-32vcpu-192g"]}, "tags": ["storage", "env:prod"], "vpc_uuid": "760e09ef-dc84-11e8-981e-3cfdfeaae000"}], "links": {"pages": {}}, "meta": {"total": 2}}
        """;

    private const string Unauthorized = """
        {"id": "unauthorized", "message": "Unable to authenticate you."}
        """;

    private const string AddRules = """
        {"inbound_rules":[{"protocol":"tcp","ports":"3306","sources":{"droplet_ids":[49696269]}}],
         "outbound_rules":[{"protocol":"tcp","ports":"3306","destinations":{"droplet_ids":[49696269]}}]}
        """;

    [Fact]
    public void ListFirewalls_Example_ReadIntoRules()
    {
        var page = JsonSerializer.Deserialize(ListFirewalls, ApiJson.Default.ApiFirewallPage)!;

        var firewall = Firewall.From(Assert.Single(page.Firewalls!));
        Assert.Equal("fb6045f1-cf1d-4ca3-bfac-18832663025b", firewall.Id);
        Assert.Equal("succeeded", firewall.Status);
        Assert.Null(page.Links!.Pages);
        Assert.Equal(1, page.Meta!.Total);
        Assert.Equal(["inbound tcp/80 from load_balancer:4de7ac8b-495b-4884-9a69-1050c6793cd6", "inbound tcp/22 from 18.0.0.0/8,tag:gateway"], firewall.Inbound.Select(r => r.ToString()));
        Assert.Equal("outbound tcp/80 to 0.0.0.0/0,::/0", Assert.Single(firewall.Outbound).ToString());
        Assert.Equal([8043964L], firewall.DropletIds);
        Assert.False(firewall.IsOwn);
    }

    [Fact]
    public void DropletFirewalls_Example_EveryTargetKindAndPendingChangesRead()
    {
        var page = JsonSerializer.Deserialize(DropletFirewalls, ApiJson.Default.ApiFirewallPage)!;

        var api = Assert.Single(page.Firewalls!);
        var pending = Assert.Single(api.PendingChanges!);
        Assert.Equal((8043964L, true, "waiting"), (pending.DropletId, pending.Removing, pending.Status));
        var firewall = Firewall.From(api);
        var inbound = Assert.Single(firewall.Inbound);
        Assert.Equal(new PortRange(8000, 9000), inbound.Range);
        Assert.Equal(Protocol.Udp, inbound.CoreProtocol);
        Assert.Equal(["1.2.3.4", "18.0.0.0/8", "droplet:8282823", "droplet:3930392", "tag:base-image", "tag:dev", "load_balancer:4de7ac8b-495b-4884-9a69-1050c6793cd6"], inbound.Entries);
        Assert.Equal("protocol:udp,ports:8000-9000,address:1.2.3.4,address:18.0.0.0/8,droplet_id:8282823,droplet_id:3930392,tag:base-image,tag:dev,load_balancer_uid:4de7ac8b-495b-4884-9a69-1050c6793cd6", inbound.Doctl());
        Assert.Equal(["base-image", "prod"], firewall.Tags);
        Assert.Null(page.Links!.Pages!.Next);
    }

    [Fact]
    public void CreateFirewall_Example_StatusWaitingRead()
    {
        var created = JsonSerializer.Deserialize(CreateFirewall, ApiJson.Default.ApiFirewallEnvelope)!.Firewall!;

        Assert.Equal("waiting", created.Status);
        Assert.Equal("bb4b2611-3d72-467b-8602-280330ecd65c", created.Id);
        Assert.Equal(2, created.InboundRules!.Count);
    }

    [Fact]
    public void GetDroplet_Example_AddressesByTypeAndTags()
    {
        var droplet = DigitalOcean.Droplet.From(JsonSerializer.Deserialize(Droplet, ApiJson.Default.ApiDropletEnvelope)!.Droplet!);

        Assert.Equal(3164444, droplet.Id);
        Assert.Equal("example.com", droplet.Name);
        Assert.Equal([Cidr.Parse("192.241.165.154/32")], droplet.PublicIPv4);
        Assert.Equal([Cidr.Parse("10.128.192.124/32")], droplet.PrivateIPv4);
        Assert.Equal([Cidr.Parse("2604:a880:0:1010::18a:a001/128")], droplet.IPv6);
        Assert.Equal(["web", "env:prod"], droplet.Tags);
    }

    [Fact]
    public void DropletsTagged_Example_ReadIntoFleetEntries()
    {
        var page = JsonSerializer.Deserialize(DropletsTagged, ApiJson.Default.ApiDropletPage)!;
        Assert.Null(page.Links!.Pages!.Next);
        Assert.Equal(2, page.Meta!.Total);

        var servers = DropletInventory.From(page.Droplets!);

        Assert.Equal(["assets.example.com", "example.com"], servers.Select(s => s.Name));
        var assets = servers[0];
        var web = servers[1];
        Assert.Equal(["162.243.0.4"], assets.PublicAddresses);
        Assert.Equal(["10.128.192.138"], assets.PrivateAddresses);
        Assert.Equal(["192.241.165.154", "2604:a880:0:1010::18a:a001"], web.PublicAddresses);
        Assert.Equal(["10.128.192.124"], web.PrivateAddresses);
        Assert.Equal(new Dictionary<string, string> { ["droplet"] = "3164444" }, web.Layer);
        Assert.Equal(["digitalocean", "tag_web", "tag_env_prod"], web.Groups);
        Assert.Equal(["digitalocean", "tag_storage", "tag_env_prod"], assets.Groups);
    }

    [Theory]
    [InlineData("active", true)]
    [InlineData("new", false)]
    [InlineData("off", false)]
    [InlineData("archive", false)]
    public void DropletsTagged_Example_OnlyActiveDropletsAreListed(string status, bool listed)
    {
        var sample = JsonNode.Parse(DropletsTagged)!;
        sample["droplets"]![0]!["status"] = status;
        var page = JsonSerializer.Deserialize(sample.ToJsonString(), ApiJson.Default.ApiDropletPage)!;

        Assert.Equal(listed, DropletInventory.From(page.Droplets!).Any(s => s.Name == "example.com"));
    }

    [Fact]
    public void Error_Example_Read()
    {
        var error = JsonSerializer.Deserialize(Unauthorized, ApiJson.Default.ApiError)!;

        Assert.Equal(("unauthorized", "Unable to authenticate you."), (error.Id, error.Message));
    }

    [Fact]
    public void AddRules_Example_RoundTripsThroughTheProductsRecords()
    {
        var body = JsonSerializer.Deserialize(AddRules, ApiJson.Default.ApiRulesBody)!;
        var rules = body.InboundRules!.Select(r => FirewallRule.From(r, true)).Concat(body.OutboundRules!.Select(r => FirewallRule.From(r, false))).ToList();

        var written = JsonSerializer.Serialize(new ApiRulesBody { InboundRules = [rules[0].ToApi()], OutboundRules = [rules[1].ToApi()] }, ApiJson.Default.ApiRulesBody);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AddRules), JsonNode.Parse(written)), written);
    }
}
