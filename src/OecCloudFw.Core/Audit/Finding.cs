using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OecCloudFw.Core.Audit;

/// <summary>A problem found in a layer: a stable id, how bad it is, the evidence that decided it, what it is about, and its fixes as data.</summary>
/// <param name="Id">Stable identifier (see <see cref="FindingIds"/>).</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">One sentence in the operator's words.</param>
/// <param name="Evidence">The rule or line that decided it.</param>
/// <param name="Remedies">The fixes, structured, one per change, each with the commands its layer's owner rendered.</param>
public sealed record Finding(string Id, Severity Severity, string Message, string Evidence, IReadOnlyList<Fix> Remedies)
{
    /// <summary>The benchmark checks the finding fails, as "benchmark:id" ("cis-ubuntu-24.04:4.2.7"); none for most findings.</summary>
    public IReadOnlyList<string> Benchmarks { get; init; } = [];

    /// <summary>What the finding is about, as fields.</summary>
    public FindingSubject Subject { get; init; } = FindingSubject.None;

    /// <summary>The commands that fix it, in order, each once (every remedy's, as rendered by its layer's owner).</summary>
    public IReadOnlyList<string> Fixes => Fix.CommandsOf(Remedies);

    /// <summary>
    /// Stable across runs and wording: a hash of the id and the subject (server, port, protocol, layer, resource, peer),
    /// never of the message or the evidence (which carry counts and rule text that change without the problem changing).
    /// </summary>
    public string Fingerprint =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', Id, Subject.Server, Subject.Port?.ToString(CultureInfo.InvariantCulture),
            Subject.Protocol, Subject.Layer, Subject.Resource, Subject.Peer))))[..32];
}
