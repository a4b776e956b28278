using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Application.Audit;

/// <summary>
/// Composes one server's audit: the server's facts (1 SSH connection, 1 exec) and the cloud layer (one read per group
/// or NSG) in parallel, live TCP probes from here, then the pure <see cref="AuditEngine"/>.
/// </summary>
public sealed class ServerAudit(IEnvironment environment, IReadOnlyList<Core.Providers.ICloudProvider> providers, CloudReadCache cache)
{
    /// <summary>Adds the path to the server the flags cannot say (an inventory entry's <c>jump:</c>) to its resolved connection.</summary>
    public Func<SshConnectionOptions, SshConnectionOptions>? Route { get; init; }

    /// <summary>What the report (and its findings' fingerprints) name the server: a cloud inventory's name for it, stable when its address changes; null: its SSH host.</summary>
    public string? Name { get; init; }

    /// <summary>Also check CIS Ubuntu 24.04's host firewall section (<c>--benchmark</c>): the report's table, and findings for the failed checks.</summary>
    public bool Benchmark { get; init; }

    /// <summary>Set by <see cref="RunAsync"/> when the audit held the server to the policy recorded there ("policy: as applied on …").</summary>
    public string? PolicyNote { get; private set; }

    /// <summary>Probe the old way, every silent port waiting the full <c>--probe-timeout</c> twice (the benchmark's baseline).</summary>
    public bool FixedProbeWait { get; init; }

    /// <summary>Set by <see cref="RunAsync"/> when it probed: the verdicts and the wait they were given.</summary>
    public ProbeResult? Probe { get; private set; }

    /// <summary>Set by <see cref="RunAsync"/> when it opened its SSH connection: the key exchange that connection negotiated.</summary>
    public string? KeyExchange { get; private set; }

    private sealed record CloudPlan(Func<Task<ILayerView>> Read, Func<FixKind, int, IReadOnlyList<Cidr>, IReadOnlyList<Fix>> Fixes);

    /// <param name="server">The server, as the flags name it.</param>
    /// <param name="cloud">Its cloud layer.</param>
    /// <param name="policy">What the audit holds the layers to.</param>
    /// <param name="probe">Probe the ports over the network.</param>
    /// <param name="probeTimeout">The cap on the wait for a silent port (<see cref="ProbeTiming"/>: the wait is sized from the SSH connection's round trip).</param>
    /// <param name="egress">The outbound needs (default: the guide's).</param>
    /// <param name="connected">A connection to that server already open (apply's): the facts are read over it, not a new one.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <param name="remembered">The policy recorded on the server, used instead of <paramref name="policy"/> when it gives one (no policy given): <see cref="PolicyNote"/> says so.</param>
    public async Task<AuditReport> RunAsync(SshTarget server, CloudFlags cloud, FirewallPolicy policy, bool probe, TimeSpan probeTimeout, IReadOnlyList<EgressNeed>? egress = null,
        IServerShell? connected = null, Func<ServerFacts, (FirewallPolicy Policy, string Note)?>? remembered = null, CancellationToken cancellationToken = default)
    {
        // Everything is validated before anything is read.
        var target = server.Host is null && !server.Local ? server with { Local = true } : server;
        var ssh = target.Resolve(environment);
        if (ssh is not null && Route is not null)
        {
            ssh = Route(ssh);
        }

        // A server reached through a jump host or a ProxyCommand is not where this machine's probes would go (its address
        // may exist only behind the bastion): it is not probed from here, and the report says why.
        var routed = ssh is { JumpHosts.Count: > 0 } or { ProxyCommand: not null };
        probe = probe && !routed;
        if (ssh is null && !cloud.Given.Any(g => g.Provider.IsNamed(g.Values)))
        {
            cloud = await DiscoverAsync(cloud, cancellationToken);
        }

        var cloudPlan = PlanCloud(cloud, cancellationToken);
        var name = Name ?? ssh?.Host ?? Environment.MachineName;

        var factsTask = connected is null ? ReadFactsAsync(ssh, Benchmark, cancellationToken) : ReadOverAsync(connected, Benchmark, cancellationToken);
        // The connection's first exchange (TCP connect to sshd's identification line) sizes the probe's wait.
        TimeSpan? roundTrip = null;
        if (connected is SshShell open)
        {
            roundTrip = open.FirstExchange;
            KeyExchange = open.KeyExchange;
        }

        var cloudTask = cloudPlan?.Read() ?? Task.FromResult<ILayerView>(null!);
        await Task.WhenAll(factsTask, cloudTask);
        var (facts, session) = await factsTask;
        if (session is { } measured)
        {
            roundTrip = measured.RoundTrip;
            KeyExchange = measured.KeyExchange;
        }

        var cloudView = cloudPlan is null ? null : await cloudTask;
        if (remembered?.Invoke(facts) is { } chosen)
        {
            policy = chosen.Policy;
            PolicyNote = chosen.Note;
        }

        var host = HostFactsReader.Read(facts);
        var ports = AuditedPorts.For(policy, facts, host);
        if (probe && ssh is not null)
        {
            var timing = FixedProbeWait ? ProbeTiming.Fixed(probeTimeout) : ProbeTiming.FromRoundTrip(roundTrip, probeTimeout);
            Probe = await TcpProber.ProbeAsync(ssh.Host, ports.Select(p => p.Port), timing, cancellationToken: cancellationToken);
        }

        var probes = Probe?.Verdicts ?? new Dictionary<int, Reachability>();
        var serverView = new ServerLayerView(facts);
        var vantage = ssh is null ? "local: the server audited itself (no network probe)"
            : routed ? $"not probed: {ssh.Host} is reached through {(ssh.JumpHosts.Count > 0 ? "jump host " + ssh.JumpHosts[^1].Target : "a ProxyCommand")}, not from {Environment.MachineName}"
            : probe ? $"probes from {Environment.MachineName} to {ssh.Host}" : "not probed (--no-probe)";
        // The self-check compares the model with the probe for the address the server sees this machine as.
        var vantageSource = ssh is not null && probe && facts.Connection is { } connection && Cidr.TryParse(connection.ClientAddress, out var client) ? client : null;
        var report = AuditEngine.Run(name, ports, cloudView, serverView, host, probes, (kind, port, sources) => Fixes(kind, port, sources, ssh, facts, cloudPlan), vantage, vantageSource,
            egress ?? EgressNeed.ForGuide([]));
        if (cloudView is { Components.Count: > 0 })
        {
            report = report with { CloudComponents = cloudView.Components };
        }

        if (Benchmark)
        {
            var (section, failed) = Server.Audit.Cis.CisSection4.Check(facts);
            report = report with
            {
                Benchmark = section,
                Findings = report.Findings.Concat(failed).OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal).ToList(),
            };
        }

        if (ssh is null || !probe)
        {
            return report;
        }

        // Where the web ports answer: HTTP should redirect to HTTPS, and 443 should complete TLS. Only a port the probe
        // found open is checked: a filtered one is not waited for again.
        var web = new List<(string, bool, string)>();
        if (probes.GetValueOrDefault(PortCatalog.Http) == Reachability.Open)
        {
            var http = await OecCloudFw.Server.Connectivity.ConnectivityTester.HttpAsync(ssh.Host, null, probeTimeout, cancellationToken);
            web.Add((http.What, http.Ok, http.Result));
        }

        if (probes.GetValueOrDefault(PortCatalog.Https) == Reachability.Open)
        {
            var tls = await OecCloudFw.Server.Connectivity.ConnectivityTester.TlsAsync(ssh.Host, null, probeTimeout, cancellationToken);
            web.Add((tls.What, tls.Ok, tls.Result));
        }

        return report with { Web = web };
    }

    /// <summary>The audit of layers as given (as read, or as a plan would leave them): nothing read, nothing probed.</summary>
    public static AuditReport Evaluate(string name, ServerFacts facts, ILayerView? cloud, ILayerView server, FirewallPolicy policy, string vantage)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var host = HostFactsReader.Read(facts);
        return AuditEngine.Run(name, AuditedPorts.For(policy, facts, host), cloud, server, host, new Dictionary<int, Reachability>(), (_, _, _) => [], vantage, null, EgressNeed.ForGuide([]));
    }

    /// <summary>On a cloud instance audited with --local and no cloud flag: its own instance, from the metadata service.</summary>
    private async Task<CloudFlags> DiscoverAsync(CloudFlags cloud, CancellationToken cancellationToken)
    {
        foreach (var provider in providers)
        {
            if (await provider.DiscoverAsync(environment, cloud.Of(provider), cancellationToken) is { } found)
            {
                return cloud.With(provider, found);
            }
        }

        return cloud;
    }

    /// <summary>Connects with the options the target was validated into (null: this machine) and runs the probe; an SSH session's round trip and key exchange come back with the facts.</summary>
    private static async Task<(ServerFacts Facts, (TimeSpan? RoundTrip, string? KeyExchange)? Session)> ReadFactsAsync(SshConnectionOptions? ssh, bool benchmark, CancellationToken cancellationToken)
    {
        if (ssh is null)
        {
            await using var local = new LocalShell();
            return (await ReadFactsAsync(local, benchmark, cancellationToken), null);
        }

        await using var shell = await SshShell.ConnectAsync(ssh, cancellationToken);
        return (await ReadFactsAsync(shell, benchmark, cancellationToken), (shell.FirstExchange, shell.KeyExchange));
    }

    /// <summary>Over a connection already open: its round trip and key exchange are read from it by the caller.</summary>
    private static async Task<(ServerFacts Facts, (TimeSpan? RoundTrip, string? KeyExchange)? Session)> ReadOverAsync(IServerShell shell, bool benchmark, CancellationToken cancellationToken) =>
        (await ReadFactsAsync(shell, benchmark, cancellationToken), null);

    /// <summary>
    /// The probe, then (where an sshd jail runs) fail2ban's filter on the server's recent sshd failures, and for the
    /// benchmark what nftables.service loads at boot, over the same shell.
    /// </summary>
    private static async Task<ServerFacts> ReadFactsAsync(IServerShell shell, bool benchmark, CancellationToken cancellationToken)
    {
        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        facts = facts with { Fail2BanFilter = await Server.Harden.Fail2BanFilter.CheckAsync(shell, facts, cancellationToken) };
        return benchmark ? await Server.Audit.Cis.NftablesBoot.ReadAsync(shell, facts, cancellationToken) : facts;
    }

    private CloudPlan? PlanCloud(CloudFlags cloud, CancellationToken cancellationToken)
    {
        if (!CloudLayers.Validate(cloud, environment))
        {
            return null;
        }

        // The cloud adapter behind the seam, its reads shared with the fleet's other servers through the run's cache.
        // The handle owns no client here (the run's cache does), and the layer's fixes are pure: both outlive the read.
        (ICloudLayer Layer, CloudLayerState State)? read = null;
        return new CloudPlan(
            async () =>
            {
                using var handle = await CloudLayers.CreateAsync(cloud, environment, cache, cancellationToken);
                read = (handle!.Layer, await handle.Layer.ReadAsync(cancellationToken));
                return read.Value.State.View;
            },
            (kind, port, sources) => read is { } r ? r.Layer.Fixes(r.State, kind, port, sources) : []);
    }

    private static IReadOnlyList<Fix> Fixes(FixKind kind, int port, IReadOnlyList<Cidr> sources, SshConnectionOptions? ssh, ServerFacts facts, CloudPlan? cloud) =>
        Fix.LayerOf(kind) == "cloud"
            ? cloud?.Fixes(kind, port, sources) ?? []
            : ServerFixes.Fixes(kind, port, sources, ssh is null ? "--local" : $"--host {ssh.Host}", facts);
}
