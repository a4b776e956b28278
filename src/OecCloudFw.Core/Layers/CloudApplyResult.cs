using OecCloudFw.Core.Planning;

namespace OecCloudFw.Core.Layers;

/// <summary>What one step of a cloud apply wrote.</summary>
/// <param name="Target">The layer.</param>
/// <param name="Created">Ids of the rules created (sgr-…, NSG rule names).</param>
/// <param name="Removed">Ids of the rules removed.</param>
public record CloudApplyResult(string Target, IReadOnlyList<string> Created, IReadOnlyList<string> Removed)
{
    public bool Changed => Created.Count > 0 || Removed.Count > 0;

    /// <summary>The plan as carried out, when the adapter had to plan again (someone added a rule meanwhile); else null.</summary>
    public Plan? Carried { get; init; }
}

/// <summary>What one step of a cloud apply wrote, with the adapter's own record of it (the rules as written: a priority taken meanwhile moves).</summary>
/// <typeparam name="TWritten">The adapter's record.</typeparam>
public sealed record CloudApplyResult<TWritten>(string Target, IReadOnlyList<string> Created, IReadOnlyList<string> Removed, TWritten Written)
    : CloudApplyResult(Target, Created, Removed)
    where TWritten : class;
