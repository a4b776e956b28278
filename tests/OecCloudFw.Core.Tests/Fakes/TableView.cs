using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Fakes;

/// <summary>
/// A trivial layer view: a table of verdicts by (port, source), looked up for the exact source first, then for the
/// whole internet of the source's family (a rule "from anywhere"); anything else is refused by the default. Every
/// question asked is recorded.
/// </summary>
internal sealed class TableView(string name, bool filters = true) : ILayerView
{
    private readonly Dictionary<(int Port, Cidr Source), LayerVerdict> _inbound = [];
    private readonly Dictionary<(int Port, Cidr Destination), LayerVerdict> _outbound = [];

    public string Name => name;

    public bool Filters => filters;

    public List<(int Port, Cidr Source)> Asked { get; } = [];

    public TableView Admit(int port, Cidr source, string evidence) => Set(port, source, new LayerVerdict(Decision.Admitted, evidence));

    /// <summary>Admitted from the whole internet over both families, with the evidence given (suffixed with the family).</summary>
    public TableView AdmitEverywhere(int port, string evidence) =>
        Admit(port, Cidr.AnyIPv4, $"{evidence} (v4)").Admit(port, Cidr.AnyIPv6, $"{evidence} (v6)");

    public TableView Set(int port, Cidr source, LayerVerdict verdict)
    {
        _inbound[(port, source)] = verdict;
        return this;
    }

    public TableView SetEgress(int port, Cidr destination, LayerVerdict verdict)
    {
        _outbound[(port, destination)] = verdict;
        return this;
    }

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        Asked.Add((port, source));
        return _inbound.TryGetValue((port, source), out var exact) ? exact
            : _inbound.TryGetValue((port, Cidr.Internet(source.Family)), out var any) ? any
            : new LayerVerdict(Decision.Refused, $"{name}: default deny ({port}/tcp from {source})");
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) =>
        _outbound.TryGetValue((port, destination), out var verdict) ? verdict : new LayerVerdict(Decision.Admitted, $"{name}: all outbound allowed");
}
