namespace OecCloudFw.Server.Preflight;

/// <summary>Whether the server's firewall admits a packet, which components were consulted, and the rule that decided.</summary>
public sealed record ServerVerdict(bool Admitted, string Evidence, IReadOnlyList<string> Components);
