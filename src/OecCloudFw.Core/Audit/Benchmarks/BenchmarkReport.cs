namespace OecCloudFw.Core.Audit.Benchmarks;

/// <summary>A benchmark section as checked on one server.</summary>
/// <param name="Name">The benchmark's name on the command line ("cis-ubuntu-24.04").</param>
/// <param name="Title">What it is, with its version and section.</param>
/// <param name="Checks">Every check of the section, in the benchmark's order.</param>
public sealed record BenchmarkReport(string Name, string Title, IReadOnlyList<BenchmarkCheck> Checks);
