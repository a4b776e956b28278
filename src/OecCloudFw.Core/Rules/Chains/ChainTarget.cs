namespace OecCloudFw.Core.Rules.Chains;

/// <summary>What a matching chain rule does.</summary>
public enum ChainTarget
{
    Accept,
    Drop,
    Reject,

    /// <summary>Evaluate another chain, then come back.</summary>
    Jump,

    /// <summary>Continue in another chain without coming back.</summary>
    Goto,

    /// <summary>Back to the calling chain (or, in a base chain, to its policy).</summary>
    Return,

    /// <summary>A non-terminating target (LOG, MARK, counters): evaluation goes on.</summary>
    Continue,

    /// <summary>A verdict the tool does not model (NFQUEUE to a user-space program, an unknown target): indeterminate.</summary>
    Unknown,
}
