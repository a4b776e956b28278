using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.Audit.Cis;

/// <summary>One packet a benchmark check asks the server's ruleset about, what the check wants for it, and the engine's verdict.</summary>
/// <param name="What">The packet, in words ("IPv4 TCP from 127.0.0.1 to port 1024 on lo").</param>
/// <param name="Wanted">Admitted or refused.</param>
/// <param name="Verdict">What the server's filters do with it, and which rule decided.</param>
/// <param name="Incoming">True for a packet on the input path, false for one going out.</param>
internal sealed record PacketCheck(string What, Decision Wanted, ServerVerdict Verdict, bool Incoming = true)
{
    public bool Met => Verdict.Decision == Wanted;

    public bool Missed => !Verdict.Indeterminate && Verdict.Decision != Wanted;

    public string Describe() =>
        $"{What}: {(Verdict.Indeterminate ? "cannot be decided" : Verdict.Admitted ? "admitted" : "refused")} ({Verdict.Evidence})";
}
