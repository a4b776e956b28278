namespace OecCloudFw.Core.Planning;

/// <summary>What a plan does with one rule.</summary>
public enum ChangeKind
{
    /// <summary>Wanted and missing: the plan adds it.</summary>
    Add,

    /// <summary>Wanted and already present (or covered by a broader rule): left as it is.</summary>
    Keep,

    /// <summary>Present but not wanted: reported, never touched unless it is the tool's own and pruning is asked for.</summary>
    Extra,

    /// <summary>The tool's own rule, not wanted, and <c>--prune</c> (or <c>close</c>) was given: the plan removes it.</summary>
    Remove,
}
