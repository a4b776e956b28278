using System.Diagnostics;
using System.Text.Json;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// A fleet audit of real test servers from Ansible inventories (INI and YAML): one server reached directly, two behind
/// it as a jump host (<c>ansible_ssh_common_args='-o ProxyJump=…'</c> / <c>-J</c>), <c>--limit</c>; and the same
/// inventories read by Ansible's own <c>ansible-inventory --list</c>, compared host by host.
/// </summary>
public sealed class AnsibleFleetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Audit_AnsibleIniAndYaml_ThroughTheJumpHost_AndLimit()
    {
        await using var fleet = await BastionFleet.StartAsync(2, Ct);
        var folder = Directory.CreateTempSubdirectory("oecfw-ansible-fleet-").FullName;
        try
        {
            var bastion = fleet.Bastion.Address;
            var (far1, far2) = (fleet.Links[0].FarAddress, fleet.Links[1].FarAddress);
            var knownHosts = Path.Combine(folder, "known_hosts");
            var ini = Path.Combine(folder, "hosts");
            await File.WriteAllTextAsync(ini, $"""
                # Ansible INI: the bastion is audited directly, the two others only through it.
                [edge]
                bastion ansible_host={bastion}

                [app]
                app1 ansible_host={far1} ansible_ssh_common_args='-o ProxyJump=root@{bastion}:22 -o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=accept-new'
                app2 ansible_host={far2} ansible_ssh_common_args='-J root@{bastion} -o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=accept-new'

                [all:vars]
                ansible_user=root
                ansible_ssh_private_key_file={fleet.Key}
                ansible_ssh_common_args='-o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=accept-new'
                ntp_server=ntp.example.com
                """, Ct);
            var yaml = Path.Combine(folder, "inventory.yml");
            await File.WriteAllTextAsync(yaml, $"""
                all:
                  vars:
                    ansible_user: root
                    ansible_ssh_private_key_file: {fleet.Key}
                    ansible_ssh_common_args: -o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=accept-new
                  children:
                    edge:
                      hosts:
                        bastion:
                          ansible_host: {bastion}
                    app:
                      vars:
                        ansible_ssh_common_args: -o ProxyJump=root@{bastion} -o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=accept-new
                      hosts:
                        app1:
                          ansible_host: {far1}
                        app2:
                          ansible_host: {far2}
                """, Ct);

            var fromIni = await CliHarness.RunAsync("audit", "--inventory", ini, "--no-probe", "--output", "json", "--fail-on", "never");
            var fromYaml = await CliHarness.RunAsync("audit", "--inventory", yaml, "--no-probe", "--output", "json", "--fail-on", "never");
            var limited = await CliHarness.RunAsync("audit", "--inventory", yaml, "--limit", "all:!app2", "--no-probe", "--output", "json", "--fail-on", "never");
            var none = await CliHarness.RunAsync("audit", "--inventory", ini, "--limit", "db*", "--no-probe");

            Assert.True(fromIni.ExitCode == 0, fromIni.Error + fromIni.Output);
            Assert.True(fromYaml.ExitCode == 0, fromYaml.Error + fromYaml.Output);
            Assert.True(limited.ExitCode == 0, limited.Error + limited.Output);
            Assert.Equal(new[] { bastion, far1, far2 }.Order(StringComparer.Ordinal), Audited(fromIni.Output).Order(StringComparer.Ordinal));
            Assert.Equal(new[] { bastion, far1, far2 }.Order(StringComparer.Ordinal), Audited(fromYaml.Output).Order(StringComparer.Ordinal));
            Assert.Equal(new[] { bastion, far1 }.Order(StringComparer.Ordinal), Audited(limited.Output).Order(StringComparer.Ordinal));
            // The two behind it were reached through the bastion, and only through it.
            // (app1 audited three times, app2 twice: the limited run left it out.)
            Assert.Equal(Enumerable.Repeat(fleet.Links[0].NearAddress, 3), BastionLink.AcceptedFrom(fleet.Links[0].Far));
            Assert.Equal(Enumerable.Repeat(fleet.Links[1].NearAddress, 2), BastionLink.AcceptedFrom(fleet.Links[1].Far));

            Assert.Equal(2, none.ExitCode);
            Assert.Contains("--limit 'db*' matches no server", none.Error, StringComparison.Ordinal);
            Assert.Contains(fleet.Links[0].FarKnownHostsLine, await File.ReadAllLinesAsync(knownHosts, Ct));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Load_SameInventory_AsAnsibleInventoryListsIt()
    {
        var ansible = new[] { "/usr/bin/ansible-inventory", "/usr/local/bin/ansible-inventory" }.FirstOrDefault(File.Exists);
        Assert.SkipWhen(ansible is null, "ansible-inventory is not installed (apt-get install ansible)");
        var folder = Directory.CreateTempSubdirectory("oecfw-ansible-list-").FullName;
        try
        {
            // Groups of groups with vars at every level, ranges, ports in host names, a host in two groups, priorities.
            var ini = Path.Combine(folder, "hosts");
            await File.WriteAllTextAsync(ini, """
                mail.example.com ansible_port=2201
                [atlanta]
                host1
                host2 ansible_user=hostuser
                web[01:03].example.com
                [raleigh]
                host2
                host3:2222
                db-[a:c]
                [southeast:children]
                atlanta
                raleigh
                [southeast:vars]
                ansible_user=southeast
                ansible_port=2200
                [atlanta:vars]
                ansible_user=atlanta
                [raleigh:vars]
                ansible_user=raleigh
                ansible_host=192.0.2.9
                [usa:children]
                southeast
                [usa:vars]
                ansible_user=usa
                ansible_port=2300
                [all:vars]
                ansible_user=everyone
                """, Ct);
            var yaml = Path.Combine(folder, "inventory.yml");
            await File.WriteAllTextAsync(yaml, """
                all:
                  hosts:
                    mail.example.com:
                  vars:
                    ansible_port: 2100
                  children:
                    web:
                      vars:
                        ansible_user: web
                        ansible_group_priority: 5
                      hosts:
                        app[1:3]:
                        both:
                    db:
                      vars:
                        ansible_user: db
                      hosts:
                        both:
                          ansible_host: 192.0.2.7
                      children:
                        replicas:
                          vars:
                            ansible_port: 2400
                          hosts:
                            "replica-[a:b]:2500":
                """, Ct);

            foreach (var file in (string[])[ini, yaml])
            {
                var ours = OecCloudFw.Application.Fleet.Inventory.Load(file, new HomeOnly(folder), OecCloudFw.Application.Providers.CloudProviders.For(new Azure.AzureConnection()));
                var listed = await AnsibleListAsync(ansible!, file);
                var hostvars = listed.GetProperty("_meta").GetProperty("hostvars");
                var theirs = hostvars.EnumerateObject().Select(h => h.Name).ToList();
                // Hosts without vars are missing from hostvars; take every host of every group.
                theirs = [.. listed.EnumerateObject().Where(g => g.Name != "_meta" && g.Value.TryGetProperty("hosts", out _))
                    .SelectMany(g => g.Value.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!)).Distinct()];
                Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Servers.Select(s => s.Name!).Order(StringComparer.Ordinal));
                foreach (var server in ours.Servers)
                {
                    var vars = hostvars.TryGetProperty(server.Name!, out var v) ? v : default;
                    string? Var(string name) => vars.ValueKind == JsonValueKind.Object && vars.TryGetProperty(name, out var value) ? value.ToString() : null;
                    Assert.Equal((file, server.Name, Var("ansible_host") ?? server.Name), (file, server.Name, server.Host));
                    Assert.Equal((file, server.Name, Var("ansible_user")), (file, server.Name, server.User));
                    Assert.Equal((file, server.Name, Var("ansible_port")), (file, server.Name, server.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<JsonElement> AnsibleListAsync(string ansible, string file)
    {
        var start = new ProcessStartInfo(ansible, ["--list", "-i", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ANSIBLE_LOCAL_TEMP"] = Path.GetTempPath();
        start.Environment["ANSIBLE_INVENTORY_ENABLED"] = "ini,yaml";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, await error);
        using var json = JsonDocument.Parse(await output);
        return json.RootElement.Clone();
    }

    private static List<string> Audited(string output)
    {
        using var json = JsonDocument.Parse(output);
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
        return [.. json.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("server").GetString()!)];
    }

    private sealed class HomeOnly(string home) : Core.IEnvironment
    {
        public string? Variable(string name) => name == "HOME" ? home : null;
    }
}
