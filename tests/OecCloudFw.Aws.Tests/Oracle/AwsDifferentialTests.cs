using System.Globalization;
using System.Text.RegularExpressions;

namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>The harness: silent on the oracle itself, loud on deliberately wrong products, fast on 10,000 cases.</summary>
public sealed partial class AwsDifferentialTests(ITestOutputHelper output)
{
    [Fact]
    public void The_oracle_as_the_product_never_disagrees()
    {
        var report = AwsDifferential.Run(seed: 20_000, cases: 1_000, AwsMutantProducts.Faithful);
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.Disagreements);
        Assert.Equal(0, report.ProductIndeterminate);
        Assert.Equal(1_000, report.Cases);
        Assert.Equal(6_000, report.Queries);
        Assert.InRange(report.Definite, report.Addresses / 2, report.Addresses - 1); // mostly definite, some not
    }

    [Fact]
    public void A_product_that_always_abstains_is_counted_not_failed()
    {
        var report = AwsDifferential.Run(seed: 30_000, cases: 200, AwsMutantProducts.AlwaysIndeterminate);
        Assert.Equal(0, report.Disagreements);
        Assert.Equal(report.Definite, report.ProductIndeterminate);
        Assert.True(report.Definite > 0);
    }

    [Theory]
    [InlineData(nameof(AwsMutantProducts.AlwaysAdmitted))]
    [InlineData(nameof(AwsMutantProducts.IgnoresAclDenies))]
    [InlineData(nameof(AwsMutantProducts.AclInListOrder))]
    [InlineData(nameof(AwsMutantProducts.IgnoresReplyCheck))]
    [InlineData(nameof(AwsMutantProducts.IgnoresReachability))]
    [InlineData(nameof(AwsMutantProducts.ReferencedGroupsMatchEveryone))]
    public void A_wrong_product_is_caught_and_its_case_replays(string mutant)
    {
        var product = AwsMutantProducts.ByName(mutant);
        var report = AwsDifferential.Run(seed: 40_000, cases: 500, product);
        output.WriteLine($"{mutant}: {report.Disagreements} disagreements of {report.Addresses}");
        Assert.True(report.Disagreements > 0, $"{mutant} went unnoticed: {report}");
        Assert.InRange(report.FirstDisagreements.Count, 1, 10);
        var first = report.FirstDisagreements[0];
        output.WriteLine(first);
        Assert.Contains("oracle", first, StringComparison.Ordinal);
        Assert.Contains("instance i-", first, StringComparison.Ordinal); // the case as text

        var caseSeed = int.Parse(SeedPattern().Match(first).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(caseSeed, 40_000, 40_499);
        var replay = AwsDifferential.Replay(caseSeed, product);
        Assert.Equal(1, replay.Cases);
        Assert.True(replay.Disagreements > 0);
        Assert.Equal(first, replay.FirstDisagreements[0]);
    }

    [Fact]
    public void A_product_that_throws_is_a_disagreement_not_a_crash()
    {
        var report = AwsDifferential.Run(seed: 1, cases: 3, (_, _, _, _) => throw new InvalidOperationException("boom"));
        Assert.Equal(report.Addresses, report.Disagreements);
        Assert.Contains("boom", report.FirstDisagreements[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_cases_with_a_trivial_product()
    {
        // The budget is "well under 30 s" in Release; the test runner prints the duration.
        var report = AwsDifferential.Run(seed: 1, cases: 10_000, AwsMutantProducts.AlwaysIndeterminate);
        output.WriteLine(report.ToString());
        Assert.Equal(10_000, report.Cases);
        Assert.Equal(60_000, report.Queries);
        Assert.Equal(0, report.Disagreements);
        Assert.True(report.Addresses > 60_000 * 10, $"only {report.Addresses} addresses");
    }

    [GeneratedRegex(@"^case seed (-?\d+)")]
    private static partial Regex SeedPattern();
}
