namespace OecCloudFw.Core.Audit.Benchmarks;

/// <summary>One check of a benchmark on one server: its id and title as the benchmark names them, the outcome and why.</summary>
/// <param name="Id">The benchmark's section id ("4.2.7").</param>
/// <param name="Title">The benchmark's title for it.</param>
/// <param name="Status">Pass, fail, not applicable or undecided.</param>
/// <param name="Evidence">What decided it: the packets evaluated and the rules that decided them, or the facts read.</param>
public sealed record BenchmarkCheck(string Id, string Title, BenchmarkStatus Status, string Evidence);
