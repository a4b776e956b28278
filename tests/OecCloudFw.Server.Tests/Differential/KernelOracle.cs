using System.Globalization;
using System.Text;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Server.Tests.Differential;

/// <summary>
/// The kernel as the oracle: loads generated rulesets into a real test server, sends real TCP SYNs from a client
/// network with several source addresses, and compares what the kernel did with the tool's verdict for that exact
/// source. A definite verdict must never disagree; an indeterminate one must name the rule that made it so. The seed
/// (OECFW_DIFF_SEED to replay) and the figures go to artifacts/differential/FLAVOUR.txt, which test.sh prints.
/// </summary>
internal static class KernelOracle
{
    private static readonly TimeSpan FirstTimeout = TimeSpan.FromSeconds(1.2);
    private static readonly TimeSpan RecheckTimeout = TimeSpan.FromSeconds(4);

    public static int Seed(int offset) =>
        (int.TryParse(Environment.GetEnvironmentVariable("OECFW_DIFF_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : (int)(DateTime.UtcNow.Ticks % 1_000_000)) + offset;

    /// <param name="flavour">A name for the figures.</param>
    /// <param name="cases">How many rulesets.</param>
    /// <param name="seed">The first ruleset's seed; case i uses seed + i.</param>
    /// <param name="prepare">Sets the server up once (firewalld started, say).</param>
    /// <param name="load">Loads the ruleset of a generator into the server; returns its text for the report, or null when the frontend refused it.</param>
    public static async Task<string> RunAsync(string flavour, int cases, int seed, Func<TestServer, Task>? prepare,
        Func<RulesetGenerator, TestServer, Task<string?>> load, CancellationToken cancellationToken)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("OECFW_DIFF_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var forced))
        {
            cases = forced;
        }

        var sources = RulesetGenerator.Sources4.Concat(RulesetGenerator.Sources6).ToList();
        await using var server = await TestServer.StartAsync(cancellationToken);
        await using var client = await TestClient.AttachAsync(server, sources, cancellationToken);
        await TestClient.ListenAsync(server, RulesetGenerator.Ports, cancellationToken);
        if (prepare is not null)
        {
            await prepare(server);
        }

        int checks = 0, definite = 0, indeterminate = 0, refusedByFrontend = 0, loaded = 0, translating = 0, untracking = 0;
        int ingress = 0, bridge = 0, rawMangle = 0, priorities = 0, rateLimited = 0, marks = 0;
        int preflightPassed = 0, preflightFailed = 0, preflightWarning = 0;
        var disagreements = new List<string>();
        var unnamed = new List<string>();
        var indeterminateSamples = new HashSet<string>(StringComparer.Ordinal);
        var started = DateTime.UtcNow;
        for (var i = 0; i < cases; i++)
        {
            var generator = new RulesetGenerator(seed + i);
            var ruleset = await load(generator, server);
            if (ruleset is null)
            {
                refusedByFrontend++;
                continue;
            }

            loaded++;
            translating += Translates(ruleset) ? 1 : 0;
            marks += ruleset.Contains("-m mark", StringComparison.Ordinal) || ruleset.Contains("--set-mark", StringComparison.Ordinal) ? 1 : 0;
            rateLimited += ruleset.Contains("-m recent", StringComparison.Ordinal) || ruleset.Contains("limit", StringComparison.Ordinal) ? 1 : 0;
            untracking += ruleset.Contains("notrack", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            ingress += ruleset.Contains("hook ingress", StringComparison.Ordinal) ? 1 : 0;
            bridge += ruleset.Contains("table bridge", StringComparison.Ordinal) ? 1 : 0;
            rawMangle += ruleset.Contains("*mangle", StringComparison.Ordinal) || ruleset.Split('\n').Any(l => l.StartsWith("-A PREROUTING ", StringComparison.Ordinal) && l.EndsWith("-j DROP", StringComparison.Ordinal)) ? 1 : 0;
            priorities += ruleset.Contains("hook prerouting priority -", StringComparison.Ordinal) || ruleset.Contains("hook input priority -", StringComparison.Ordinal) || ruleset.Contains("table ip6 t6", StringComparison.Ordinal) ? 1 : 0;
            var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, cancellationToken)));
            var kernel = await client.SynAsync(sources, RulesetGenerator.Ports, FirstTimeout, accepted: true, cancellationToken);
            var suspicious = new List<(string Source, int Port, ServerVerdict Tool)>();
            foreach (var source in sources)
            {
                foreach (var port in RulesetGenerator.Ports)
                {
                    checks++;
                    var tool = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, port, Cidr.Parse(source));
                    var seen = kernel[(source, port)];
                    if (seen.StartsWith("error", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"{flavour} seed {seed + i}: the probe from {source} to {port} failed: {seen}");
                    }

                    if (tool.Decision == Decision.Indeterminate)
                    {
                        indeterminate++;
                        indeterminateSamples.Add(tool.Evidence);
                        if (!tool.Evidence.Contains("-A ", StringComparison.Ordinal) && !tool.Evidence.Contains("nft ", StringComparison.Ordinal))
                        {
                            unnamed.Add($"seed {seed + i} {source} -> {port}: {tool.Evidence}");
                        }

                        continue;
                    }

                    definite++;
                    if (tool.Admitted != (seen == "open"))
                    {
                        suspicious.Add((source, port, tool));
                    }
                }
            }

            // Preflight's Passed and Failed are claims about the kernel too: Passed = every required port is admitted
            // from every required source; Failed = SSH is refused from one of its sources. A policy of exact client
            // addresses (so every claim is about one address the client really sends from) is drawn from the seed.
            // Every other case asks only for what the kernel admitted, so Passed is exercised as well as Failed.
            var policy = PreflightPolicy(new Random(seed + i), i % 2 == 0 ? null : kernel.Where(k => k.Value == "open").Select(k => k.Key).ToHashSet());
            var preflight = PreflightCheck.Evaluate("differential", facts, policy, []);
            var claims = preflight.Status switch
            {
                PreflightStatus.Passed => policy.Requirements.SelectMany(r => r.Sources.Select(c => (Source: c.Network.ToString(), Port: r.Ports.From, Open: true))).ToList(),
                PreflightStatus.Failed => preflight.Ports.Where(p => p.IsSsh).SelectMany(p => p.Sources.Where(c => c.Verdict.Refused).Select(c => (Source: c.Source.Network.ToString(), Port: p.Ports.From, Open: false))).ToList(),
                _ => [],
            };
            _ = preflight.Status switch
            {
                PreflightStatus.Passed => preflightPassed++,
                PreflightStatus.Failed => preflightFailed++,
                _ => preflightWarning++,
            };
            foreach (var (source, port, open) in claims)
            {
                var seen = open && kernel[(source, port)] != "open" ? (await client.SynAsync([source], [port], RecheckTimeout, accepted: true, cancellationToken))[(source, port)] : kernel[(source, port)];
                if (open != (seen == "open"))
                {
                    disagreements.Add($"{flavour} seed {seed + i}: preflight said {preflight.Status}, but from {source} to {port} the kernel said {seen}: {string.Join("; ", preflight.Reasons)}\n{ruleset}");
                }
            }

            foreach (var (source, port, tool) in suspicious)
            {
                // A slow answer is not a refusal: what the tool admits and the first probe missed is probed again, longer.
                var again = tool.Admitted ? (await client.SynAsync([source], [port], RecheckTimeout, accepted: true, cancellationToken))[(source, port)] : kernel[(source, port)];
                if (tool.Admitted != (again == "open"))
                {
                    disagreements.Add($"{flavour} seed {seed + i}: from {source} to {port} the kernel said {again}, the tool said {tool.Decision}: {tool.Evidence}\n{ruleset}");
                }
            }
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{flavour}: seed {seed}, {loaded} rulesets ({refusedByFrontend} refused by the frontend; {translating} with nat PREROUTING, {untracking} with NOTRACK, {ingress} with ingress chains, {bridge} with bridge chains, {rawMangle} with raw/mangle drops, {priorities} with chains at other priorities or ip6, {rateLimited} with rate limits, {marks} with marks), {checks} SYN checks: {definite} definite verdicts, {disagreements.Count} disagreements with the kernel, {indeterminate} indeterminate ({unnamed.Count} without a named rule); preflight: {preflightPassed} passed, {preflightFailed} failed, {preflightWarning} warnings, none contradicted by the kernel; {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Report(flavour, summary + string.Concat(indeterminateSamples.Take(3).Select(e => $"\n  indeterminate, e.g.: {e}")));
        var failures = new StringBuilder();
        foreach (var line in disagreements.Take(5).Concat(unnamed.Take(5)))
        {
            failures.AppendLine(line);
        }

        Assert.True(disagreements.Count == 0 && unnamed.Count == 0, $"{summary}\n{failures}");
        Assert.True(loaded >= cases / 2, $"{summary}: too few rulesets loaded");
        return summary;
    }

    /// <summary>
    /// SSH on 10022 from one or two client addresses, and one to three other ports each from one or two; drawn only from
    /// <paramref name="open"/> (source, port) pairs when given.
    /// </summary>
    private static ServerPolicy PreflightPolicy(Random random, HashSet<(string Source, int Port)>? open)
    {
        var all = RulesetGenerator.Sources4.Concat(RulesetGenerator.Sources6).ToArray();
        IReadOnlyList<Cidr> Sources(int port) => all.Where(a => open is null || open.Contains((a, port))).OrderBy(_ => random.Next()).Take(random.Next(1, 3))
            .Select(a => Cidr.Parse(a.Contains(':', StringComparison.Ordinal) ? $"{a}/128" : $"{a}/32")).ToList();
        var requirements = new List<ServerRequirement>();
        foreach (var port in RulesetGenerator.Ports.Where(p => p != 10022).OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Prepend(10022))
        {
            var sources = Sources(port);
            if (sources.Count > 0)
            {
                requirements.Add(new ServerRequirement(Protocol.Tcp, PortRange.Single(port), sources, port == 10022 ? "SSH" : $"port {port}", port == 10022));
            }
        }

        return new ServerPolicy(requirements);
    }

    /// <summary>Whether the ruleset's text translates a destination before the filter (REDIRECT, DNAT, forward-port).</summary>
    private static bool Translates(string ruleset) =>
        ruleset.Contains("REDIRECT", StringComparison.Ordinal) || ruleset.Contains("-j DNAT", StringComparison.Ordinal) ||
        ruleset.Contains("redirect to", StringComparison.Ordinal) || ruleset.Contains("dnat ip to", StringComparison.Ordinal) ||
        ruleset.Contains("forward-port", StringComparison.Ordinal);

    private static void Report(string flavour, string summary)
    {
        var folder = Testing.RepositoryRoot.Artifacts("differential");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{flavour}.txt"), summary + "\n");
    }
}
