using OecCloudFw.Core.Net;

namespace OecCloudFw.Server.Preflight;

/// <summary>One port of the policy checked against the server layer, per source.</summary>
public sealed record PortCheck(PortRange Ports, string Comment, bool IsSsh, IReadOnlyList<SourceCheck> Sources)
{
    public bool Admitted => Sources.All(s => s.Verdict.Admitted);
}

/// <summary>The verdict for one source (0.0.0.0/0, ::/0 or a management CIDR).</summary>
public sealed record SourceCheck(Cidr Source, ServerVerdict Verdict);
