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
    Func<ServerFacts, (FirewallPolicy Policy, string Note)?>? Remembered);

/// <summary>What a fleet audit found: each server's report, or its error (never the fleet's), and the policy notes.</summary>
/// <param name="Reports">The servers audited, in inventory order.</param>
/// <param name="Errors">The servers that could not be audited, with why.</param>
/// <param name="Notes">"held to the policy applied on it" notes, by host.</param>
public sealed record FleetResult(IReadOnlyList<AuditReport> Reports, IReadOnlyList<(string Host, string Error)> Errors, IReadOnlyList<(string Host, string Note)> Notes);

/// <summary>
/// Audits every server of a fleet, <c>parallel</c> at a time: each cloud client made once and each security group, NSG
/// or firewall read once for the run (<see cref="CloudReadCache"/>); a server's failure is that server's error.
/// </summary>
/// <param name="environment">Environment variables.</param>
/// <param name="providers">The registered cloud providers.</param>
public sealed class FleetAudit(IEnvironment environment, IReadOnlyList<ICloudProvider> providers)
{
    /// <summary>Also check CIS Ubuntu 24.04's host firewall section on every server.</summary>
    public bool Benchmark { get; init; }

    /// <param name="jobs">The servers, validated by the caller before anything is contacted.</param>
    /// <param name="parallel">Servers audited at once (1-256).</param>
    /// <param name="probe">Probe the ports over the network.</param>
    /// <param name="probeTimeout">Per TCP probe.</param>
    /// <param name="egress">The outbound needs.</param>
    /// <param name="done">Called as each server finishes (a progress display).</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<FleetResult> RunAsync(IReadOnlyList<FleetJob> jobs, int parallel, bool probe, TimeSpan probeTimeout, IReadOnlyList<EgressNeed> egress, Action? done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (parallel is < 1 or > 256)
        {
            throw new InvalidInputException("--parallel must be 1-256");
        }

        using var gate = new SemaphoreSlim(parallel);
        using var cache = new CloudReadCache();
        var results = new (AuditReport? Report, string? Error, string? Note)[jobs.Count];
        async Task RunOne(int i)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var job = jobs[i];
                var audit = new ServerAudit(environment, providers, cache) { Route = job.Route, Benchmark = Benchmark };
                var report = await audit.RunAsync(job.Target, job.Cloud, job.Policy, probe, probeTimeout, egress, cancellationToken: cancellationToken, remembered: job.Remembered);
                results[i] = (report, null, audit.PolicyNote);
            }
            catch (LayerFailureException ex)
            {
                results[i] = (null, ex.Message, null);
            }
            finally
            {
                gate.Release();
                done?.Invoke();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, jobs.Count).Select(RunOne));
        return new FleetResult(
            [.. results.Where(r => r.Report is not null).Select(r => r.Report!)],
            [.. jobs.Select((j, i) => (j.Host, results[i].Error)).Where(e => e.Error is not null).Select(e => (e.Host, e.Error!))],
            [.. jobs.Select((j, i) => (j.Host, results[i].Note)).Where(n => n.Note is not null).Select(n => (n.Host, n.Note!))]);
    }
}
