using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Policy;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// A fleet audit where servers fail in every way one can (host key, login, unreachable, a bug met on one server's facts)
/// over real test servers: each failure is that server's error with its own message, every other server is audited, exit 3.
/// </summary>
public sealed class FleetRobustnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fleet_EachKindOfServerFailure_ThatServersErrorOthersAuditedExitThree()
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TestServer.StartAsync(Ct)));
        try
        {
            var (ok1, ok2, wrongKey, refused, buggy) = (servers[0], servers[1], servers[2], servers[3], servers[4]);
            // An address on a test link that nobody holds: the SYN goes nowhere (ARP never answers), no packet leaves the machine.
            var unreachable = $"198.19.{ok1.Index}.3";
            var home = Directory.CreateTempSubdirectory("oecfw-fleet-home-").FullName;
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            await File.WriteAllTextAsync(Path.Combine(home, ".ssh", "config"), $"Host {unreachable}\n  ConnectTimeout 1\n", Ct);
            // wrongKey's known_hosts holds another server's host key for wrongKey's address.
            var otherKey = (await File.ReadAllTextAsync(Path.Combine(ok1.WorkDir, "host_key.pub"), Ct)).Split(' ');
            var wrongKnownHosts = Path.Combine(home, "wrong_known_hosts");
            await File.WriteAllTextAsync(wrongKnownHosts, $"{wrongKey.Address} {otherKey[0]} {otherKey[1]}\n", Ct);
            var inventory = Path.Combine(home, "fleet.yaml");
            await File.WriteAllTextAsync(inventory, $"""
                servers:
                  - host: {ok1.Address}
                    identity: {ok1.ClientKey}
                    known_hosts: {ok1.KnownHosts}
                  - host: {wrongKey.Address}
                    identity: {wrongKey.ClientKey}
                    known_hosts: {wrongKnownHosts}
                  - host: {refused.Address}
                    identity: {ok2.ClientKey}
                    known_hosts: {refused.KnownHosts}
                  - host: {unreachable}
                    identity: {ok1.ClientKey}
                    known_hosts: {ok1.KnownHosts}
                  - host: {buggy.Address}
                    identity: {buggy.ClientKey}
                    known_hosts: {buggy.KnownHosts}
                  - host: {ok2.Address}
                    identity: {ok2.ClientKey}
                    known_hosts: {ok2.KnownHosts}
                """, Ct);
            var output = new StringWriter();
            var error = new StringWriter();
            var context = new CliContext(output, error, new Environment(new Dictionary<string, string> { ["HOME"] = home }))
            {
                FleetFactsHook = (host, _) =>
                {
                    if (host == buggy.Address)
                    {
                        throw new InvalidOperationException("injected: this server's facts broke the evaluation");
                    }
                },
            };

            var exit = await CliApp.RunAsync(["audit", "--inventory", inventory, "--no-probe", "--output", "json", "--fail-on", "never"], context, Ct);

            Assert.True(exit == ExitCodes.LayerFailure, $"exit {exit}: {error}");
            CliHarness.ValidateAgainstSchema(output.ToString(), ["audit"]);
            using var json = JsonDocument.Parse(output.ToString());
            var audited = json.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("server").GetString()).Order(StringComparer.Ordinal).ToList();
            var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("server").GetString()!, e => e.GetProperty("error").GetString()!);
            Assert.True(audited.SequenceEqual(new[] { ok1.Address, ok2.Address }.Order(StringComparer.Ordinal)), string.Join('\n', errors.Select(e => $"{e.Key}: {e.Value}")));
            Assert.Equal(4, errors.Count);
            Assert.Contains("host key", errors[wrongKey.Address], StringComparison.OrdinalIgnoreCase);
            Assert.Contains("refused the login", errors[refused.Address], StringComparison.Ordinal);
            Assert.Contains($"cannot reach {unreachable}:22", errors[unreachable], StringComparison.Ordinal);
            Assert.Contains("a bug in oec-cloudfw", errors[buggy.Address], StringComparison.Ordinal);
            Assert.Contains("injected: this server's facts broke the evaluation", errors[buggy.Address], StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", string.Join('\n', errors.Values), StringComparison.Ordinal);
            Assert.Equal(4, errors.Values.Distinct(StringComparer.Ordinal).Count());

            // The table names each failed server with its error; on a terminal, the progress line counts them as they fail.
            var table = new StringWriter();
            var tableContext = new CliContext(table, new StringWriter(), new Environment(new Dictionary<string, string> { ["HOME"] = home }), interactive: true)
            {
                FleetFactsHook = context.FleetFactsHook,
            };
            var tableExit = await CliApp.RunAsync(["audit", "--inventory", inventory, "--no-probe", "--fail-on", "never", "--parallel", "2"], tableContext, Ct);
            Assert.Equal(ExitCodes.LayerFailure, tableExit);
            foreach (var host in errors.Keys)
            {
                Assert.Contains($"{host}: not audited: ", table.ToString(), StringComparison.Ordinal);
            }

            Assert.Contains("a bug in oec-cloudfw", table.ToString(), StringComparison.Ordinal);
            // (Spectre's renderer for a console it cannot redraw prints the line at steps, not necessarily the last one.)
            Assert.Matches(@"[1-6] done, .*[1-4] failed.*, [0-5] remaining, \d+\.\d servers/s", table.ToString());
            Assert.DoesNotContain("remaining", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    [InlineData(32, 32)]
    [InlineData(33, 32)]
    [InlineData(500, 32)]
    public void DefaultParallel_SizedToTheFleet_AllAtOnceUpTo32(int servers, int expected) =>
        Assert.Equal(expected, FleetAudit.DefaultParallel(servers));

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    public async Task Parallel_OutOfRange_ExitTwoNamingTheFlag(string parallel)
    {
        var inventory = Path.Combine(Directory.CreateTempSubdirectory("oecfw-fleet-").FullName, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, "servers:\n  - host: 198.19.250.2\n", Ct);

        var run = await CliHarness.RunAsync("audit", "--inventory", inventory, "--parallel", parallel);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--parallel must be 1-256", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BugInEveryServer_EachItsOwnErrorAndProgressCountsDoneFailedRemainingRate()
    {
        var time = new FakeTimeProvider();
        var fleet = new FleetAudit(new Environment(new Dictionary<string, string>()), [], time);
        // Each server takes a second of (fake) time, then the tool meets a bug on it before connecting.
        var jobs = Enumerable.Range(1, 6).Select(i => new FleetJob($"198.19.250.{i}", new SshTarget($"198.19.250.{i}"), new CloudFlags([]), FirewallPolicy.Default,
            _ =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                throw new InvalidOperationException($"injected {i}");
            }, null)).ToList();
        var seen = new List<FleetProgress>();

        var result = await fleet.RunAsync(jobs, 2, probe: false, TimeSpan.FromSeconds(1), EgressNeed.ForGuide([]), seen.Add, Ct);

        Assert.Empty(result.Reports);
        Assert.Equal(jobs.Select(j => j.Host), result.Errors.Select(e => e.Host));
        Assert.All(result.Errors, e => Assert.Contains($"a bug in oec-cloudfw while auditing this server (injected {e.Host[^1]})", e.Error, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 6), seen.Select(p => p.Done));
        Assert.Equal(Enumerable.Range(1, 6), seen.Select(p => p.Failed));
        Assert.Equal(Enumerable.Range(0, 6).Reverse(), seen.Select(p => p.Remaining));
        Assert.Equal(TimeSpan.FromSeconds(6), seen[^1].Elapsed);
        Assert.Equal(1.0, seen[^1].Rate, 3);
        Assert.Equal("6 done, [red]6 failed[/], 0 remaining, 1.0 servers/s", Audit.FleetProgressLine.Describe(seen[^1]));
    }

    private sealed class Environment(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
