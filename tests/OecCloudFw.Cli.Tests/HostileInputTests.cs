using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// No untrusted string reaches a shell, nft, iptables, ufw or firewall-cmd: generated hostile strings go through every
/// value path (flags, the policy file's description, ~/.ssh/config's HostName, Port and User) and each run must end in
/// exit 2 before anything connects, or (for values that are safe as they are) change nothing but what they say.
/// </summary>
public sealed class HostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Shell, nft, iptables and firewalld syntax, quotes, control characters, over-long values.</summary>
    public static TheoryData<string> Hostile()
    {
        var random = new Random(20261126);
        string[] pieces = ["'", "\"", ";", "$(touch /tmp/oecfw-pwned)", "`id`", "\\", "\n", "{", "}", " && ", "|", "#", "add rule inet oec_cloudfw input tcp dport 31337 accept", "%s", "\0", "--", "\u202e", "../../", "*"];
        var data = new TheoryData<string>
        {
            "x\" ; add rule inet oec_cloudfw input tcp dport 31337 accept comment \"y",
            "1.2.3.4;touch /tmp/oecfw-pwned",
            "2222;x",
            "it's",
        };
        for (var i = 0; i < 12; i++)
        {
            data.Add("a" + string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => pieces[random.Next(pieces.Length)])) + "b");
        }

        data.Add(new string('a', 300));
        return data;
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task EveryValuePath_HostileString_Exit2BeforeAnythingConnects(string hostile)
    {
        var dir = Directory.CreateTempSubdirectory("oecfw-hostile-").FullName;
        try
        {
            var policy = Path.Combine(dir, "policy.yaml");
            await File.WriteAllTextAsync(policy, $"version: 1\nextra:\n  - port: \"9100\"\n    protocol: tcp\n    sources: [198.18.0.0/15]\n    description: {Yaml(hostile)}\n", Ct);
            var sshConfig = Path.Combine(dir, "ssh_config");
            // 198.18.0.1: a benchmarking address nothing answers on; validation must stop every run before connecting.
            const string Target = "198.18.0.1";
            string[][] runs =
            [
                ["server", "configure", "--host", Target, "--policy", policy, "--dry-run"],
                ["server", "configure", "--host", Target, "--ssh-source", hostile, "--dry-run"],
                ["server", "configure", "--host", Target, "--optional", "5432", "--source", hostile, "--dry-run"],
                ["server", "configure", "--host", Target, "--port", hostile, "--dry-run"],
                ["server", "configure", "--host", hostile, "--dry-run"],
                ["server", "configure", "--host", Target, "--user", hostile, "--dry-run"],
                ["server", "preflight", "--host", "alias-h", "--ssh-config", Write(sshConfig + "1", $"Host alias-h\n  HostName {hostile.Replace('\n', ' ')}\n")],
                ["server", "preflight", "--host", "alias-p", "--ssh-config", Write(sshConfig + "2", $"Host alias-p\n  HostName {Target}\n  Port {hostile.Replace('\n', ' ')}\n")],
                ["server", "preflight", "--host", "alias-u", "--ssh-config", Write(sshConfig + "3", $"Host alias-u\n  HostName {Target}\n  User {hostile.Replace('\n', ' ')}\n")],
                ["policy", "show", "--policy", policy],
            ];
            // A string within the description character set is a literal (policy show prints it as is); every other
            // value path still refuses it.
            var literal = System.Text.RegularExpressions.Regex.IsMatch(hostile, "^[A-Za-z0-9 ._,:/()+@#=-]{1,64}$");
            if (literal)
            {
                var shown = await CliHarness.RunAsync(["policy", "show", "--policy", policy]);
                Assert.Equal(0, shown.ExitCode);
                Assert.Contains(hostile, shown.Output, StringComparison.Ordinal);
                runs = runs.Where(r => !r.Contains(policy)).ToArray();
            }

            foreach (var args in runs)
            {
                var run = await CliHarness.RunAsync(args);
                Assert.True(run.ExitCode == 2, $"{string.Join(' ', args)}: exit {run.ExitCode}\n{run.Output}{run.Error}");
                Assert.DoesNotContain("cannot reach", run.Error, StringComparison.Ordinal);
            }

            Assert.False(File.Exists("/tmp/oecfw-pwned"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task HostileDescription_NftablesBackend_NothingIsLoaded()
    {
        // The issue's payload, with the real nft on a real server: refused up front, the ruleset untouched.
        await using var server = await TestServer.StartAsync(Ct);
        var policy = Path.Combine(server.WorkDir, "policy.yaml");
        await File.WriteAllTextAsync(policy, "version: 1\nextra:\n  - port: \"9100\"\n    sources: [198.18.0.0/15]\n    description: 'x\" ; add rule inet oec_cloudfw input tcp dport 31337 accept comment \"y'\n", Ct);

        var run = await CliHarness.RunAsync(["server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--backend", "nftables", "--policy", policy]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a usable description", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("31337", await server.ExecAsync("nft list ruleset", Ct), StringComparison.Ordinal);
        Assert.Equal(0, server.AcceptedLogins);
    }

    private static string Yaml(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal) + "\"";

    private static string Write(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }
}
