using OecCloudFw.Core;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Reports.Audit;

/// <summary><c>--baseline FILE</c> and <c>--suppressions FILE</c> (audit, merge): both files read before any server is contacted.</summary>
public static class TriageFiles
{
    /// <summary>The triage of both files; null when neither is given. Every problem is exit 2 naming the flag and the file.</summary>
    public static FindingTriage? Load(string? baseline, string? suppressions, TimeProvider time) =>
        baseline is null && suppressions is null ? null
            : FindingTriage.Create(baseline is null ? null : Baseline(baseline), suppressions is null ? [] : SuppressionFile.Load(suppressions), time);

    private static Baseline Baseline(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"--baseline '{path}': cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)})");
        }

        try
        {
            return Audit.Baseline.Parse(text, path);
        }
        catch (InvalidInputException ex)
        {
            throw new InvalidInputException($"--baseline '{path}': {ex.Message}", ex);
        }
    }
}
