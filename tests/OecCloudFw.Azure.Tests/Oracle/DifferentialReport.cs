namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// The outcome of a differential run. <paramref name="Queries"/> counts (protocol, port, family) queries;
/// <paramref name="Addresses"/> counts (query, address) comparisons; <paramref name="Definite"/> those where the oracle
/// is definite; <paramref name="Disagreements"/> those where the product says Admitted/Refused and the oracle says
/// anything else; <paramref name="ProductIndeterminate"/> those where the product says Indeterminate and the oracle is
/// definite (counted, not a failure). <paramref name="FirstDisagreements"/>: at most 10, each self-contained.
/// </summary>
public sealed record DifferentialReport(
    int Cases,
    int Queries,
    int Addresses,
    int Definite,
    int Disagreements,
    int ProductIndeterminate,
    IReadOnlyList<string> FirstDisagreements)
{
    public override string ToString() =>
        $"cases {Cases}, queries {Queries}, addresses {Addresses}, definite {Definite}, disagreements {Disagreements}, " +
        $"product indeterminate {ProductIndeterminate}" +
        (FirstDisagreements.Count == 0 ? "" : Environment.NewLine + string.Join(Environment.NewLine, FirstDisagreements));
}
