using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Planning;

/// <summary>The changes that bring one layer to the policy.</summary>
public sealed class Plan
{
    public Plan(IEnumerable<Change> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Changes = changes.ToList();
    }

    public IReadOnlyList<Change> Changes { get; }

    public IEnumerable<Rule> ToAdd => Changes.Where(c => c.Kind == ChangeKind.Add).Select(c => c.Rule);

    public IEnumerable<Rule> ToRemove => Changes.Where(c => c.Kind == ChangeKind.Remove).Select(c => c.Rule);

    public IEnumerable<Rule> Extra => Changes.Where(c => c.Kind == ChangeKind.Extra).Select(c => c.Rule);

    /// <summary>True when the layer already complies: nothing to add or remove.</summary>
    public bool IsNoOp => !Changes.Any(c => c.Kind is ChangeKind.Add or ChangeKind.Remove);
}
