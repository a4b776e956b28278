using OecCloudFw.Application.Audit;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Providers;
using OecCloudFw.Server.Configure;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// The plan use case: reads every layer once (the cloud layer in one read, the server in one connection, in parallel)
/// and plans the policy across both, changing nothing; the result says what each layer would get, the audit it would
/// give, and where the operator's own SSH access would be at risk.
/// </summary>
/// <param name="environment">Where settings and credentials are read.</param>
/// <param name="providers">The registered cloud providers.</param>
/// <param name="time">The clock (the applied-policy record's time).</param>
/// <param name="record">The text of the server's applied-policy record: the policy and what it came from.</param>
public sealed class PlanLayers(IEnvironment environment, IReadOnlyList<ICloudProvider> providers, TimeProvider time, Func<FirewallPolicy, string, string> record)
{
    /// <summary>Plans <paramref name="policy"/> for <paramref name="targets"/>; nothing changes.</summary>
    public async Task<LayersPlanned> RunAsync(LayersTargets targets, PolicyInput policy, LayersOptions options, CancellationToken cancellationToken = default)
    {
        await using var session = await LayersSession.OpenAsync(targets, environment, providers, cancellationToken);
        return await PlanAsync(session, policy, options, cancellationToken);
    }

    /// <summary>Reads both layers of an open session and plans; nothing changes.</summary>
    internal async Task<LayersPlanned> PlanAsync(LayersSession session, PolicyInput policy, LayersOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        var cloud = session.Cloud?.Layer;
        var serverLayer = new ServerFirewallLayer(session.Shell, time, options.Backend, options.Docker, options.Harden);
        var state = await BothLayers.ReadAsync(cloud, serverLayer, cancellationToken);
        var facts = ServerFirewallLayer.Facts(state.Server);
        var chosen = policy.Remembered?.Invoke(facts, session.Shell.Target);
        var wanted = chosen?.Policy ?? policy.Policy;
        var origin = chosen is null ? policy.Origin : null;
        // The layer that records the policy it applies (unless the policy is the server's own record already).
        serverLayer = new ServerFirewallLayer(session.Shell, time, options.Backend, options.Docker, options.Harden, origin is null ? null : record(wanted, origin));
        var plan = BothLayers.Plan(cloud, serverLayer, state, wanted, options.Prune);
        var plannedCloud = cloud is null || state.Cloud is null || plan.Cloud is null ? null : cloud.PlannedView(state.Cloud, plan.Cloud);
        var expected = ServerAudit.Evaluate(serverLayer.Target, facts, plannedCloud, ServerFirewallLayer.Planned(state.Server, plan.Server), wanted,
            "expected after apply (not probed; apply audits again)");
        return new LayersPlanned(session.Targets, options, wanted, origin, chosen?.Note, state, plan, plannedCloud, expected, LockoutRisks(state, plan, plannedCloud))
        {
            ServerLayer = serverLayer,
        };
    }

    /// <summary>
    /// Where the operator's own address (the server's view of this SSH session; locally, the session the tool runs in)
    /// would not be definitely admitted to SSH after the plan: the server layer as planned, and the cloud layer's
    /// planned view when there is one.
    /// </summary>
    private static List<string> LockoutRisks(LayersState state, LayersPlan plan, Core.Audit.ILayerView? plannedCloud)
    {
        var risks = new List<string>();
        if (plan.Server.LockoutRisk is { } server)
        {
            risks.Add($"{plan.Server.Target}: {server}");
        }

        var facts = ServerFirewallLayer.Facts(state.Server);
        if (plannedCloud is not null && plan.Cloud is { IsNoOp: false } && LockoutCheck.Operator(facts) is { } address &&
            LockoutCheck.Risk(plannedCloud, facts.SshPorts, address) is { } cloud)
        {
            risks.Add($"{plan.Cloud.Target}: {cloud}");
        }

        return risks;
    }
}
