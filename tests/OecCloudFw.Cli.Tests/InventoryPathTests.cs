using System.Text.Json;
using System.Text.RegularExpressions;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// A fleet inventory's paths and paths to servers: <c>~/</c> from HOME, relative paths from the inventory's folder,
/// <c>jump:</c> through a real bastion (servers reachable only through it), errors that name the file and the entry.
/// </summary>
public sealed partial class InventoryPathTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fleet_TwentyServersBehindABastion_AuditedInParallel_AcceptNewFromAnEmptyKnownHosts()
    {
        await using var fleet = await BastionFleet.StartAsync(20, Ct);
        var folder = Directory.CreateTempSubdirectory("oecfw-fleet-").FullName;
        try
        {
            // Relative paths: the key and the (not yet existing) known_hosts next to the inventory, not in the current folder.
            File.Copy(fleet.Key, Path.Combine(folder, "id_ed25519"));
            var inventory = Path.Combine(folder, "fleet.yaml");
            await File.WriteAllTextAsync(inventory, $"""
                defaults:
                  user: root
                  identity: id_ed25519
                  known_hosts: known_hosts
                  host_key_policy: accept-new
                  jump: root@{fleet.Bastion.Address}:22
                servers:
                {string.Concat(fleet.Links.Select(l => $"  - host: {l.FarAddress}\n"))}
                """, Ct);

            var run = await CliHarness.RunAsync("audit", "--inventory", inventory, "--parallel", "8", "--output", "json", "--fail-on", "never");

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            using var json = JsonDocument.Parse(run.Output);
            Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
            var audited = json.RootElement.GetProperty("servers").EnumerateArray().ToList();
            Assert.Equal(fleet.Links.Select(l => l.FarAddress).Order(), audited.Select(s => s.GetProperty("server").GetString()!).Order());
            // Not probed from here: these addresses exist only behind the bastion.
            Assert.All(audited, s => Assert.StartsWith("not probed: ", s.GetProperty("vantage").GetString(), StringComparison.Ordinal));
            foreach (var link in fleet.Links)
            {
                Assert.Equal([link.NearAddress], BastionLink.AcceptedFrom(link.Far));
            }

            Assert.Equal(20, BastionLink.AcceptedFrom(fleet.Bastion).Count);
            var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "known_hosts"), Ct);
            Assert.All(lines, l => Assert.Matches(KnownHostsLine(), l));
            Assert.Equal(fleet.Links.Select(l => l.FarAddress).Append(fleet.Bastion.Address).Order(), lines.Select(l => l.Split(' ')[0]).Order());
            Assert.Equal(fleet.Links.Select(l => l.FarKnownHostsLine).Order(), lines.Where(l => !l.StartsWith(fleet.Bastion.Address + " ", StringComparison.Ordinal)).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Inventory_PolicyRelativeToItsFolder_AndTildePathsFromHome()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var home = Directory.CreateTempSubdirectory("oecfw-home-").FullName;
        var folder = Directory.CreateTempSubdirectory("oecfw-inventory-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            File.Copy(server.ClientKey, Path.Combine(home, ".ssh", "fleet_key"));
            File.Copy(server.KnownHosts, Path.Combine(home, ".ssh", "known_hosts"));
            // A policy only this inventory's folder has: port 9123 is wanted only if it is the one read.
            await File.WriteAllTextAsync(Path.Combine(folder, "fleet-policy.yaml"), "version: 1\nextra:\n  - port: \"9123\"\n    protocol: tcp\n    sources: [198.18.0.0/15]\n", Ct);
            var inventory = Path.Combine(folder, "fleet.yaml");
            await File.WriteAllTextAsync(inventory, $"""
                defaults:
                  identity: ~/.ssh/fleet_key
                  known_hosts: ~/.ssh/known_hosts
                  policy: fleet-policy.yaml
                servers:
                  - host: {server.Address}
                """, Ct);
            Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "fleet-policy.yaml")));

            var run = await CliHarness.RunAsync(new Dictionary<string, string> { ["HOME"] = home }, "audit", "--inventory", inventory, "--output", "json", "--no-probe", "--fail-on", "never");

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            using var json = JsonDocument.Parse(run.Output);
            var ports = json.RootElement.GetProperty("servers")[0].GetProperty("ports").EnumerateArray();
            Assert.Contains(ports, p => p.GetProperty("port").GetInt32() == 9123 && p.GetProperty("wanted").GetBoolean());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Apply_AnInventoryEntryBehindABastion_TheLockoutProofGoesThroughTheBastion()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        await BastionLink.AuthorizeAsync(target, bastion.ClientKey + ".pub", Ct);
        await File.AppendAllTextAsync(bastion.KnownHosts, link.FarKnownHostsLine + "\n", Ct);
        var inventory = Path.Combine(bastion.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, $"""
            defaults:
              identity: {bastion.ClientKey}
              known_hosts: {bastion.KnownHosts}
            servers:
              - host: {link.FarAddress}
                jump: {bastion.Address}
            """, Ct);

        var apply = await CliHarness.RunAsync("apply", "--inventory", inventory, "--server", link.FarAddress, "--no-probe", "--confirm-timeout", "20", "--output", "json");

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        Assert.Contains("Status: active", await target.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        // The first connection and the proof's new one (at least), each through the bastion.
        var logins = BastionLink.AcceptedFrom(target);
        Assert.True(logins.Count >= 2, string.Join(", ", logins));
        Assert.All(logins, from => Assert.Equal(link.NearAddress, from));
        Assert.Equal(logins.Count, BastionLink.AcceptedFrom(bastion).Count);
    }

    [Theory]
    [InlineData("jump: root@bastion:99999", "jump 'root@bastion:99999' is not [user@]host[:port]")]
    [InlineData("jump: 'root@bastion;reboot'", "jump 'root@bastion;reboot' is not [user@]host[:port]")]
    [InlineData("host_key_policy: sometimes", "--host-key-policy 'sometimes' is not a policy")]
    public async Task Inventory_BadEntry_Exit2NamingTheFileAndTheEntry(string line, string message)
    {
        var folder = Directory.CreateTempSubdirectory("oecfw-inventory-").FullName;
        try
        {
            var key = Path.Combine(folder, "key");
            await File.WriteAllTextAsync(key, "not used: nothing connects", Ct);
            var inventory = Path.Combine(folder, "fleet.yaml");
            await File.WriteAllTextAsync(inventory, $"defaults:\n  identity: key\nservers:\n  - host: 198.18.0.1\n  - host: 198.18.0.2\n    {line}\n", Ct);

            var run = await CliHarness.RunAsync("audit", "--inventory", inventory, "--no-probe");

            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"inventory '{inventory}', server 2 (198.18.0.2): {message}", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"^198\.1[89]\.[0-9.]+ ssh-ed25519 [A-Za-z0-9+/]+=*$")]
    private static partial Regex KnownHostsLine();
}
