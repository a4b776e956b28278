namespace OecCloudFw.Reports.Documents;

/// <summary>One line of a plan in JSON: add, keep, extra or remove.</summary>
public sealed record ChangeView(string Change, RuleView Rule, string? CoveredBy)
{
    public static ChangeView From(Core.Planning.Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new ChangeView(change.Kind.ToString().ToLowerInvariant(), RuleView.From(change.Rule), change.CoveredBy?.Id);
    }
}
