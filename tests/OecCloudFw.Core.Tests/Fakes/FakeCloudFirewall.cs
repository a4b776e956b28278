using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Fakes;

/// <summary>
/// The provider side of the fake cloud layer: the rules as the "API" holds them, ids it hands out, the ports an
/// upstream filter drops whatever the rules say, and failures to inject into a write.
/// </summary>
internal sealed class FakeCloudFirewall(CallLog log)
{
    private int _next;

    public CallLog Log => log;

    public List<Rule> Rules { get; } = [];

    public HashSet<int> UpstreamDrops { get; } = [];

    /// <summary>Set: the next add fails with this message (nothing is written).</summary>
    public string? FailAdd { get; set; }

    /// <summary>Set: the next removal fails with this message (nothing is removed).</summary>
    public string? FailRemove { get; set; }

    public Rule Seed(Rule rule)
    {
        var stored = rule with { Id = rule.Id ?? NextId() };
        Rules.Add(stored);
        return stored;
    }

    public string NextId() => $"fr-{++_next}";
}
