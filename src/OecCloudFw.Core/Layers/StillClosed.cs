using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>A wanted rule the layer still refuses after the open, and the verdict that says where.</summary>
public sealed record StillClosed(Rule Rule, LayerVerdict Verdict)
{
    public override string ToString() => $"{Rule.Protocol.ToName()}/{Rule.Ports} from {Rule.Source}: {Verdict.Evidence}";
}
