namespace OecCloudFw.Azure;

/// <summary>What <c>azure close</c> did: its own rules deleted or narrowed, other rules left, the port still admitted or not.</summary>
public sealed record NsgCloseResult(IReadOnlyList<string> Deleted, IReadOnlyList<string> Narrowed, IReadOnlyList<NsgRule> LeftForeign, bool StillAdmitted, string Evidence, bool Applied);
