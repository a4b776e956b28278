using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Azure;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// The tool as shipped: the Native AOT executable, run as a process with only the environment given here. The paths
/// the in-process tests cannot vouch for in a native build: the signals, the AWS SDK, and the Azure SDK (the one
/// dependency that still warns under AOT, IL2104) with a real credential chain.
/// </summary>
public sealed class NativeBinaryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Ctrl+C (SIGINT) or SIGTERM once the change is armed: the tool stops cleanly with exit 130 and says when the
    /// armed rollback restores; the server then restores the previous rules exactly, and a new SSH connection works.
    /// The policy admits SSH only from an address that is not the operator's, so the change is never confirmed. The
    /// confirm timeout (20 s) leaves the signal time to land before the tool's own wait ends, however loaded the machine.
    /// </summary>
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task ServerConfigure_InterruptedAfterArming_Exit130_SaysWhenTheRollbackRestores_AndItDoes(string signal)
    {
        var binary = await NativeBinary.PathAsync(Ct);
        await using var server = await TestServer.StartAsync(Ct);
        const string Rules = "iptables-save | grep -v '^#'; ip6tables-save | grep -v '^#'; ufw status";
        var before = await server.ExecAsync(Rules, Ct);
        // As an operator's shell starts it: INT and TERM at their defaults, even when this test runs in a background job
        // (which starts with INT ignored, and an ignored signal stays ignored across exec).
        var start = new ProcessStartInfo("env", ["--default-signal=INT,TERM", binary, "server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--ssh-source", "198.18.250.1/32", "--allow-lockout-risk", "--confirm-timeout", "20"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);

        // Armed and applied on the server: now interrupt, as an operator would.
        var applied = false;
        for (var i = 0; i < 200 && !applied && !process.HasExited; i++)
        {
            applied = (await server.ExecAsync("ls /var/lib/oec-cloudfw/rollback/*/applied 2>/dev/null || true", Ct)).Trim().Length > 0;
            if (!applied)
            {
                await Task.Delay(50, Ct);
            }
        }

        if (!applied)
        {
            Assert.Fail($"never armed and applied: {await stdout}{await stderr}");
        }

        await TestServer.Run("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)], Ct, check: false);
        await process.WaitForExitAsync(Ct);

        var error = await stderr;
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await stdout}{error}");
        Assert.Matches(@"interrupted: .*armed rollback \(/var/lib/oec-cloudfw/rollback/[0-9a-f]{16}\) restores the previous rules in \d+ s unless confirmed", error);
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);

        // The server restores on its own, exactly, and SSH works again.
        var restored = false;
        for (var i = 0; i < 300 && !restored; i++)
        {
            restored = (await server.ExecAsync("cat /var/lib/oec-cloudfw/rollback/*/result 2>/dev/null || true", Ct)).Contains("restored", StringComparison.Ordinal);
            if (!restored)
            {
                await Task.Delay(200, Ct);
            }
        }

        Assert.True(restored, "the armed rollback did not restore");
        Assert.Equal(before, await server.ExecAsync(Rules, Ct));
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
    }

    /// <summary>The AWS SDK in the native build: open the policy's ports, then show them as JSON that matches its schema.</summary>
    [Fact]
    public async Task Aws_OpenThenShow_AgainstTheFakeEndpoint_JsonMatchesItsSchema()
    {
        await using var ec2 = await FakeEc2.StartAsync();
        var group = ec2.CreateGroup();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDTEST",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        };
        string[] where = ["--group", group, "--region", "eu-west-1", "--endpoint-url", ec2.Url.ToString()];

        var open = await NativeBinary.RunAsync(environment, ["aws", "open", .. where], Ct);
        var show = await NativeBinary.RunAsync(environment, ["aws", "show", .. where, "--output", "json"], Ct);

        Assert.True(open.ExitCode == 0, open.Stdout + open.Stderr);
        Assert.Equal([22, 80, 443], ec2.Ingress(group).Where(r => r.Cidr == "0.0.0.0/0").Select(r => r.FromPort).Order());
        Assert.True(show.ExitCode == 0, show.Stdout + show.Stderr);
        CliHarness.ValidateAgainstSchema(show.Stdout, ["aws", "show"]);
        using var json = JsonDocument.Parse(show.Stdout);
        Assert.Equal("oec-cloudfw/aws-show/v1", json.RootElement.GetProperty("schema").GetString());
    }

    /// <summary>
    /// The Azure SDK in the native build, through DefaultAzureCredential restricted to the Azure CLI credential
    /// (AZURE_TOKEN_CREDENTIALS), with an `az` on PATH that prints what `az account get-access-token --output json`
    /// prints, and the fake ARM endpoint's certificate trusted through SSL_CERT_FILE as an operator's own CA would be.
    /// </summary>
    [Fact]
    public async Task Azure_Show_ThroughTheAzureCliCredential_AndTheSystemTrustStore()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.AddNsg("rg1", "web-nsg", FakeArm.RuleSpec("ssh", 100, "Allow", "Tcp", "*", "22"));
        var dir = Directory.CreateTempSubdirectory("oecfw-az-").FullName;
        try
        {
            var expires = DateTimeOffset.UtcNow.AddHours(1);
            await File.WriteAllTextAsync(Path.Combine(dir, "az"), $$"""
                #!/bin/sh
                echo "$@" >> "{{dir}}/az.calls"
                cat <<'JSON'
                {
                  "accessToken": "token-from-az-cli",
                  "expiresOn": "{{expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}}",
                  "expires_on": {{expires.ToUnixTimeSeconds()}},
                  "subscription": "{{FakeArm.Subscription}}",
                  "tenant": "00000000-0000-0000-0000-0000000000aa",
                  "tokenType": "Bearer"
                }
                JSON
                """, Ct);
            await TestServer.Run("chmod", ["0700", Path.Combine(dir, "az")], Ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "ca.pem"), TestCertificate.Certificate.ExportCertificatePem(), Ct);
            var environment = new Dictionary<string, string>
            {
                ["PATH"] = $"{dir}:/usr/sbin:/usr/bin:/sbin:/bin",
                ["AZURE_TOKEN_CREDENTIALS"] = "AzureCliCredential",
                ["SSL_CERT_FILE"] = Path.Combine(dir, "ca.pem"),
                ["SSL_CERT_DIR"] = dir,
            };

            var show = await NativeBinary.RunAsync(environment,
                ["azure", "show", "-g", "rg1", "--nsg", "web-nsg", "--subscription", FakeArm.Subscription, "--endpoint", arm.Url.ToString(), "--output", "json"], Ct);
            var untrusted = await NativeBinary.RunAsync(environment.Where(e => !e.Key.StartsWith("SSL_", StringComparison.Ordinal)).ToDictionary(),
                ["azure", "show", "-g", "rg1", "--nsg", "web-nsg", "--subscription", FakeArm.Subscription, "--endpoint", arm.Url.ToString()], Ct);

            Assert.True(show.ExitCode == 0, show.Stdout + show.Stderr);
            CliHarness.ValidateAgainstSchema(show.Stdout, ["azure", "show"]);
            using var json = JsonDocument.Parse(show.Stdout);
            Assert.Equal("oec-cloudfw/azure-show/v2", json.RootElement.GetProperty("schema").GetString());
            Assert.Contains("ssh", show.Stdout, StringComparison.Ordinal);
            Assert.Equal("token-from-az-cli", arm.LastBearerToken);
            Assert.Contains("account get-access-token --output json --resource", await File.ReadAllTextAsync(Path.Combine(dir, "az.calls"), Ct), StringComparison.Ordinal);
            // Without the CA the TLS handshake fails: an expected failure with its own exit code, not a bug.
            Assert.Equal(3, untrusted.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
