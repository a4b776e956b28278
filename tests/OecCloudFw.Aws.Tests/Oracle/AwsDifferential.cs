using System.Globalization;
using System.Net;

namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>
/// Compares the product with the oracle on generated cases: per case its 3 queries x both families x the sampled
/// addresses. A disagreement: the product says Admitted/Refused and the oracle says anything else.
/// </summary>
public static class AwsDifferential
{
    private const int MaxReported = 10;

    /// <summary>Cases <paramref name="seed"/>, <paramref name="seed"/>+1, ... (<paramref name="cases"/> of them).</summary>
    public static DifferentialReport Run(int seed, int cases, ProductEvaluator product)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cases);
        return RunSeeds(Enumerable.Range(0, cases).Select(i => unchecked(seed + i)), product);
    }

    /// <summary>Replays one case by its seed (what a failure message tells you to run).</summary>
    public static DifferentialReport Replay(int caseSeed, ProductEvaluator product) => RunSeeds([caseSeed], product);

    private static DifferentialReport RunSeeds(IEnumerable<int> seeds, ProductEvaluator product)
    {
        ArgumentNullException.ThrowIfNull(product);
        int cases = 0, queries = 0, addresses = 0, definite = 0, disagreements = 0, productIndeterminate = 0;
        var reported = new List<string>();
        foreach (var caseSeed in seeds)
        {
            cases++;
            var awsCase = AwsCaseGenerator.Generate(caseSeed);
            foreach (var query in awsCase.Queries)
            {
                foreach (var ipv6 in new[] { false, true })
                {
                    queries++;
                    var port = query.PortFor(ipv6);
                    var oracle = AwsOracle.Compile(awsCase.Input, query.Protocol, port, ipv6);
                    Func<IPAddress, OracleDecision>? answer = null;
                    string? failure = null;
                    try
                    {
                        answer = product(awsCase.Input, query.Protocol, port, ipv6);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failure = $"threw {e.GetType().Name}: {e.Message}";
                    }

                    foreach (var address in awsCase.Samples(ipv6))
                    {
                        addresses++;
                        var expected = oracle(address);
                        var isDefinite = expected != OracleDecision.Indeterminate;
                        if (isDefinite)
                        {
                            definite++;
                        }

                        string actual;
                        var disagrees = false;
                        if (answer is null)
                        {
                            actual = failure!;
                            disagrees = true;
                        }
                        else
                        {
                            try
                            {
                                var got = answer(address);
                                actual = got.ToString();
                                if (got == OracleDecision.Indeterminate)
                                {
                                    productIndeterminate += isDefinite ? 1 : 0;
                                }
                                else
                                {
                                    disagrees = got != expected;
                                }
                            }
                            catch (Exception e) when (e is not OutOfMemoryException)
                            {
                                actual = $"threw {e.GetType().Name}: {e.Message}";
                                disagrees = true;
                            }
                        }

                        if (disagrees)
                        {
                            disagreements++;
                            if (reported.Count < MaxReported)
                            {
                                reported.Add(
                                    $"case seed {caseSeed.ToString(CultureInfo.InvariantCulture)} (replay: AwsDifferential.Replay({caseSeed.ToString(CultureInfo.InvariantCulture)}, product)), "
                                    + $"query {query} {(ipv6 ? "IPv6" : "IPv4")}, source {address}: product {actual}, oracle {expected}"
                                    + Environment.NewLine + awsCase);
                            }
                        }
                    }
                }
            }
        }

        return new DifferentialReport(cases, queries, addresses, definite, disagreements, productIndeterminate, reported);
    }
}
