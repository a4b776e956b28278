using OecCloudFw.Core.Rules;

namespace OecCloudFw.Server.Preflight;

/// <summary>Whether the server's firewall admits a packet, which components were consulted, and the rule that decided.</summary>
public sealed record ServerVerdict(Decision Decision, string Evidence, IReadOnlyList<string> Components)
{
    public bool Admitted => Decision == Decision.Admitted;

    public bool Refused => Decision == Decision.Refused;

    public bool Indeterminate => Decision == Decision.Indeterminate;
}
