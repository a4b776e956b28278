namespace OecCloudFw.Core.Layers;

/// <summary>What the server layer's apply did.</summary>
public sealed record ServerApplyResult(ServerApplyOutcome Outcome, string Detail)
{
    public bool Restored => Outcome is ServerApplyOutcome.RolledBack or ServerApplyOutcome.FailedAndRestored;
}
