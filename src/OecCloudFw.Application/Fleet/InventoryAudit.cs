using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Providers;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Application.Fleet;

/// <summary>
/// <c>audit --inventory</c>: an inventory's servers (one shard of them) as fleet jobs, every one validated before any
/// server is contacted, then audited by <see cref="FleetAudit"/>.
/// </summary>
/// <param name="environment">Environment variables.</param>
/// <param name="providers">The registered cloud providers.</param>
public sealed class InventoryAudit(IEnvironment environment, IReadOnlyList<ICloudProvider> providers)
{
    /// <summary>The policy an entry is held to, from its policy file (the entry's, else the inventory's; null: none given).</summary>
    public required Func<string?, FirewallPolicy> Policy { get; init; }

    /// <summary>For an entry given no policy file: the policy last applied on the server and its note (null: none), by the server's facts and label.</summary>
    public required Func<ServerFacts, string, (FirewallPolicy Policy, string Note)?> Remembered { get; init; }

    /// <summary>Called with each server's label and facts as they are gathered (tests watch the fleet through it).</summary>
    public Action<string, ServerFacts>? FactsSeen { get; init; }

    /// <summary>Also check CIS Ubuntu 24.04's host firewall section on every server.</summary>
    public bool Benchmark { get; init; }

    /// <summary>The jobs of the servers of <paramref name="inventory"/> in <paramref name="shard"/> (null: all), each one's connection and cloud layer validated.</summary>
    /// <param name="inventory">The inventory, limited already.</param>
    /// <param name="shard">The slice audited, or null.</param>
    /// <param name="parallel">Servers audited at once, checked here (1-256, null: the default).</param>
    public IReadOnlyList<FleetJob> Jobs(Inventory inventory, Shard? shard, int? parallel)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        if (parallel is < 1 or > FleetAudit.MaxParallel)
        {
            throw new InvalidInputException($"--parallel must be 1-{FleetAudit.MaxParallel}");
        }

        var jobs = inventory.Servers.Where(s => shard is null || shard.Contains(s.Label)).Select(entry => (Entry: entry, Job: Job(inventory, entry))).ToList();
        foreach (var (entry, job) in jobs.Where(j => j.Entry.Unreachable is null))
        {
            inventory.Resolve(entry, environment);
            job.Cloud.Validate(environment);
        }

        return [.. jobs.Select(j => j.Job)];
    }

    /// <summary>Audits <paramref name="jobs"/>, <paramref name="parallel"/> at a time (null: <see cref="FleetAudit.DefaultParallel"/>).</summary>
    /// <param name="jobs">From <see cref="Jobs"/>.</param>
    /// <param name="parallel">Servers audited at once.</param>
    /// <param name="probe">Probe the ports over the network.</param>
    /// <param name="probeTimeout">The most a silent port is waited for.</param>
    /// <param name="egress">The outbound needs.</param>
    /// <param name="progress">Called as each server finishes (a progress display).</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public Task<FleetResult> RunAsync(IReadOnlyList<FleetJob> jobs, int? parallel, bool probe, TimeSpan probeTimeout, IReadOnlyList<EgressNeed> egress, Action<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return new FleetAudit(environment, providers) { Benchmark = Benchmark }
            .RunAsync(jobs, parallel ?? FleetAudit.DefaultParallel(jobs.Count), probe, probeTimeout, egress, progress, cancellationToken);
    }

    private FleetJob Job(Inventory inventory, Inventory.Entry entry)
    {
        var file = entry.Policy ?? inventory.Defaults.Policy;

        // An entry given no policy (by the inventory or a flag) is held to the one last applied on it, as a single audit is.
        var remembered = file is null ? facts => Remembered(facts, entry.Label) : (Func<ServerFacts, (FirewallPolicy, string)?>?)null;
        if (FactsSeen is { } seen)
        {
            var chosen = remembered;
            remembered = facts =>
            {
                seen(entry.Label, facts);
                return chosen?.Invoke(facts);
            };
        }

        return new FleetJob(entry.Label, inventory.Target(entry), inventory.Cloud(entry), Policy(file), ssh => inventory.Route(entry, ssh), remembered) { Unreachable = entry.Unreachable, Name = entry.Listed ? entry.Name : null };
    }
}
