namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>What a differential run found.</summary>
/// <param name="Cases">Cases generated.</param>
/// <param name="Queries">(case, protocol, port, family) queries asked.</param>
/// <param name="Addresses">(query, address) evaluations compared.</param>
/// <param name="Definite">Of those, how many the oracle answered Admitted or Refused.</param>
/// <param name="Disagreements">The product said Admitted/Refused and the oracle said anything else.</param>
/// <param name="ProductIndeterminate">The product said Indeterminate where the oracle is definite (counted, not a failure).</param>
/// <param name="FirstDisagreements">At most 10: case seed, query, address, both answers and the case as text.</param>
public sealed record DifferentialReport(
    int Cases,
    int Queries,
    int Addresses,
    int Definite,
    int Disagreements,
    int ProductIndeterminate,
    IReadOnlyList<string> FirstDisagreements)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"cases={Cases} queries={Queries} addresses={Addresses} definite={Definite} disagreements={Disagreements} "
        + $"productIndeterminate={ProductIndeterminate}"
        + (FirstDisagreements.Count == 0 ? "" : Environment.NewLine + string.Join(Environment.NewLine, FirstDisagreements));
}
