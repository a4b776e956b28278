using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Fakes;

/// <summary>
/// A cloud layer on the typed seam, over <see cref="FakeCloudFirewall"/>: it plans with its own (simple) logic: a wanted
/// rule present with the same match is kept, a missing one added; the tool's own unwanted rules removed with prune,
/// anyone else's left as extra. Every read and write is logged.
/// </summary>
internal sealed class FakeCloudLayer(FakeCloudFirewall remote) : CloudLayer<FakeCloudLayer.Snapshot, FakeCloudLayer.Native>
{
    public override string Target => "fakecloud fw-1";

    public override Task<CloudLayerState<Snapshot>> ReadAsync(CancellationToken cancellationToken = default)
    {
        remote.Log.Add("cloud read");
        var rules = remote.Rules.ToList();
        var drops = remote.UpstreamDrops.Order().ToList();
        return Task.FromResult(new CloudLayerState<Snapshot>(Target, Lines(rules, drops), FakePaths.View(Target, rules, drops), new Snapshot(rules, drops)));
    }

    public override CloudLayerPlan<Native> Plan(CloudLayerState<Snapshot> state, FirewallPolicy policy, bool prune)
    {
        var wanted = policy.DesiredRules();
        var changes = new List<Change>();
        foreach (var rule in wanted)
        {
            var present = state.Snapshot.Rules.FirstOrDefault(r => r.Protocol == rule.Protocol && r.Ports == rule.Ports && r.Source == rule.Source);
            changes.Add(present is null ? new Change(ChangeKind.Add, rule) : new Change(ChangeKind.Keep, rule, present));
        }

        foreach (var rule in state.Snapshot.Rules.Where(r => !wanted.Any(w => w.Protocol == r.Protocol && w.Ports == r.Ports && w.Source == r.Source)))
        {
            changes.Add(new Change(prune && rule.Origin == RuleOrigin.Tool ? ChangeKind.Remove : ChangeKind.Extra, rule));
        }

        return Made(state, changes);
    }

    public override CloudLayerPlan<Native> PlanClose(CloudLayerState<Snapshot> state, CloseSelection selection)
    {
        var changes = new List<Change>();
        foreach (var rule in state.Snapshot.Rules.Where(r => r.Protocol == selection.Protocol || r.Protocol == Protocol.All))
        {
            var exact = rule.Protocol == selection.Protocol && selection.Ports.Any(p => p == rule.Ports) &&
                        (selection.Sources.Count == 0 || selection.Sources.Any(s => s == rule.Source));
            var overlaps = selection.Ports.Any(p => p.From <= rule.Ports.To && rule.Ports.From <= p.To);
            if (exact && rule.Origin == RuleOrigin.Tool)
            {
                changes.Add(new Change(ChangeKind.Remove, rule));
            }
            else if (overlaps)
            {
                changes.Add(new Change(ChangeKind.Extra, rule));
            }
        }

        return Made(state, changes);
    }

    public override ILayerView PlannedView(CloudLayerState<Snapshot> state, CloudLayerPlan<Native> plan)
    {
        var after = state.Snapshot.Rules.Where(r => !plan.Native.Remove.Contains(r)).Concat(plan.Native.Add).ToList();
        return FakePaths.View(Target, after, state.Snapshot.UpstreamDrops);
    }

    public override IReadOnlyList<Finding> Findings(CloudLayerState<Snapshot> state) => [];

    public override IReadOnlyList<Fix> Fixes(CloudLayerState<Snapshot> state, FixKind kind, int port, IReadOnlyList<Cidr> sources) =>
        [new Fix(kind, "cloud", port, sources, [$"fakecloud {kind} {port} from {string.Join(",", sources)}"]) { Resource = "fake" }];

    public override Task<CloudApplyResult> OpenAsync(CloudLayerPlan<Native> plan, CancellationToken cancellationToken = default)
    {
        remote.Log.Add($"cloud open {string.Join(", ", plan.Native.Add)}");
        if (remote.FailAdd is { } failure)
        {
            throw new LayerFailureException(failure);
        }

        var created = new List<string>();
        foreach (var rule in plan.Native.Add.Where(a => !remote.Rules.Any(r => r.Protocol == a.Protocol && r.Ports == a.Ports && r.Source == a.Source)))
        {
            created.Add(remote.Seed(rule with { Origin = RuleOrigin.Tool, Id = null }).Id!);
        }

        return Task.FromResult(new CloudApplyResult(Target, created, []));
    }

    public override Task<CloudApplyResult> CloseAsync(CloudLayerPlan<Native> plan, CancellationToken cancellationToken = default)
    {
        remote.Log.Add($"cloud close {string.Join(", ", plan.Native.Remove.Select(r => r.Id))}");
        if (remote.FailRemove is { } failure)
        {
            throw new LayerFailureException(failure);
        }

        var removed = plan.Native.Remove.Where(r => remote.Rules.Remove(r)).Select(r => r.Id!).ToList();
        return Task.FromResult(new CloudApplyResult(Target, [], removed));
    }

    public override IReadOnlyList<string> UndoCommands(CloudLayerPlan<Native> plan, CloudApplyResult opened) =>
        [.. opened.Created.Select(id => $"fakecloud delete-rule --firewall fw-1 --rule {id}")];

    private CloudLayerPlan<Native> Made(CloudLayerState<Snapshot> state, List<Change> changes)
    {
        var add = changes.Where(c => c.Kind == ChangeKind.Add).Select(c => c.Rule).ToList();
        var remove = changes.Where(c => c.Kind == ChangeKind.Remove).Select(c => c.Rule).ToList();
        return new CloudLayerPlan<Native>(Target, state.Digest, new Plan(changes),
            [.. add.Select(r => $"add {r}"), .. remove.Select(r => $"remove {r.Id}")], new Native(add, remove));
    }

    private static List<string> Lines(List<Rule> rules, List<int> drops) =>
        [.. rules.Select(r => $"{r.Id} {r} ({r.Origin})").Order(StringComparer.Ordinal), .. drops.Select(d => $"upstream drops {d}")];

    internal sealed record Snapshot(IReadOnlyList<Rule> Rules, IReadOnlyList<int> UpstreamDrops);

    internal sealed record Native(IReadOnlyList<Rule> Add, IReadOnlyList<Rule> Remove);
}
