using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Providers;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Application.Fleet;

/// <summary>One server of a fleet audit: how to reach it, its cloud layer, the policy it is held to.</summary>
/// <param name="Host">The inventory entry's host (what reports and errors name).</param>
/// <param name="Target">Its connection.</param>
/// <param name="Cloud">Its cloud layer.</param>
/// <param name="Policy">The policy given (by the inventory or the flags).</param>
/// <param name="Route">Its jump hosts, added to the resolved connection.</param>
/// <param name="Remembered">With no policy given: the one last applied on the server, as a single audit does.</param>
public sealed record FleetJob(
    string Host,
    SshTarget Target,
    CloudFlags Cloud,
    FirewallPolicy Policy,
    Func<SshConnectionOptions, SshConnectionOptions> Route,
    Func<ServerFacts, (FirewallPolicy Policy, string Note)?>? Remembered)
{
    /// <summary>Why the server cannot be reached at all (a cloud server without the address chosen): its error, nothing contacted.</summary>
    public string? Unreachable { get; init; }

    /// <summary>What its report names it (a cloud server's name, stable when its address changes); null: its SSH host.</summary>
    public string? Name { get; init; }
}

/// <summary>What a fleet audit found: each server's report, or its error (never the fleet's), and the policy notes.</summary>
/// <param name="Reports">The servers audited, in inventory order.</param>
/// <param name="Errors">The servers that could not be audited, with why.</param>
/// <param name="Notes">"held to the policy applied on it" notes, by host.</param>
public sealed record FleetResult(IReadOnlyList<AuditReport> Reports, IReadOnlyList<(string Host, string Error)> Errors, IReadOnlyList<(string Host, string Note)> Notes);

/// <summary>
/// Audits every server of a fleet, <c>parallel</c> at a time: each cloud client made once and each security group, NSG
/// or firewall read once for the run (<see cref="CloudReadCache"/>). Any failure of one server (unreachable, timed out,
/// host key, login, a layer that fails, even a bug in the tool met on that server's facts) is that server's error in the
/// result, never the fleet's; only the operator's Ctrl+C stops the fleet.
/// </summary>
/// <remarks>
/// Memory stays bounded by <c>parallel</c>, not by the fleet: <c>parallel</c> workers take the next server when they
/// finish one (no task, connection or buffer exists for a server not started yet), and what is kept per finished server
/// is its report (a few kB) or its one-line error.
/// </remarks>
/// <param name="environment">Environment variables.</param>
/// <param name="providers">The registered cloud providers.</param>
/// <param name="time">The clock the progress's elapsed time and rate come from (default: the system's).</param>
public sealed class FleetAudit(IEnvironment environment, IReadOnlyList<ICloudProvider> providers, TimeProvider? time = null)
{
    /// <summary>The most servers audited at once that <c>--parallel</c> accepts.</summary>
    public const int MaxParallel = 256;

    /// <summary>The default <c>--parallel</c>: the work is I/O bound (a server's audit mostly waits on the network and the server), so as many at once as there are servers, up to 32.</summary>
    public const int DefaultParallelCap = 32;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Also check CIS Ubuntu 24.04's host firewall section on every server.</summary>
    public bool Benchmark { get; init; }

    /// <summary>
    /// <c>--parallel</c> when not given: min(servers, 32). Each server's audit costs the controller ~0.1 s of CPU (the SSH
    /// key exchange) against ~0.3-1 s of waiting (round trips, the server's own work), so 32 at once keep a small
    /// controller's cores busy without thousands of connections; more is one flag away (up to 256).
    /// </summary>
    /// <param name="servers">Servers in the fleet.</param>
    public static int DefaultParallel(int servers) => Math.Clamp(servers, 1, DefaultParallelCap);

    /// <param name="jobs">The servers, validated by the caller before anything is contacted.</param>
    /// <param name="parallel">Servers audited at once (1-256).</param>
    /// <param name="probe">Probe the ports over the network.</param>
    /// <param name="probeTimeout">Per TCP probe.</param>
    /// <param name="egress">The outbound needs.</param>
    /// <param name="progress">Called as each server finishes, one call at a time (a progress display).</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<FleetResult> RunAsync(IReadOnlyList<FleetJob> jobs, int parallel, bool probe, TimeSpan probeTimeout, IReadOnlyList<EgressNeed> egress, Action<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (parallel is < 1 or > MaxParallel)
        {
            throw new InvalidInputException($"--parallel must be 1-{MaxParallel}");
        }

        using var cache = new CloudReadCache();
        var results = new (AuditReport? Report, string? Error, string? Note)[jobs.Count];
        var started = _time.GetTimestamp();
        var next = -1;
        var done = 0;
        var failed = 0;
        var report = new Lock();
        async Task Worker()
        {
            // Lazily: a worker takes the next server only when it has finished its last one.
            for (var i = Interlocked.Increment(ref next); i < jobs.Count; i = Interlocked.Increment(ref next))
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[i] = await AuditOneAsync(jobs[i], cache, probe, probeTimeout, egress, cancellationToken);
                if (progress is not null)
                {
                    lock (report)
                    {
                        done++;
                        failed += results[i].Error is null ? 0 : 1;
                        progress(new FleetProgress(done, failed, jobs.Count - done, _time.GetElapsedTime(started)));
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, jobs.Count)).Select(_ => Task.Run(Worker, cancellationToken)));
        return new FleetResult(
            [.. results.Where(r => r.Report is not null).Select(r => r.Report!)],
            [.. jobs.Select((j, i) => (j.Host, results[i].Error)).Where(e => e.Error is not null).Select(e => (e.Host, e.Error!))],
            [.. jobs.Select((j, i) => (j.Host, results[i].Note)).Where(n => n.Note is not null).Select(n => (n.Host, n.Note!))]);
    }

    /// <summary>One server's audit; whatever goes wrong on it is its error (only the operator's cancellation escapes).</summary>
    private async Task<(AuditReport? Report, string? Error, string? Note)> AuditOneAsync(FleetJob job, CloudReadCache cache, bool probe, TimeSpan probeTimeout, IReadOnlyList<EgressNeed> egress, CancellationToken cancellationToken)
    {
        if (job.Unreachable is { } why)
        {
            return (null, why, null);
        }

        try
        {
            var audit = new ServerAudit(environment, providers, cache) { Route = job.Route, Benchmark = Benchmark, Name = job.Name };
            var report = await audit.RunAsync(job.Target, job.Cloud, job.Policy, probe, probeTimeout, egress, cancellationToken: cancellationToken, remembered: job.Remembered);
            return (report, null, audit.PolicyNote);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is LayerFailureException or InvalidInputException)
        {
            // The expected failures (unreachable, timed out, host key, login, a layer's error, this server's own bad input)
            // carry their own message.
            return (null, ex.Message, null);
        }
        catch (Exception ex)
        {
            // A bug met on this server alone (its facts, its evaluation): that server's error, the other servers still audited.
            return (null, $"a bug in oec-cloudfw while auditing this server ({ex.Message.Trim()}): please report it; the other servers were audited", null);
        }
    }
}
