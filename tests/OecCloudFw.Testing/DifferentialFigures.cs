namespace OecCloudFw.Testing;

/// <summary>Where a differential test leaves its figures (seed, cases, disagreements) for test.sh to print.</summary>
public static class DifferentialFigures
{
    public static void Write(string name, string summary)
    {
        var folder = RepositoryRoot.Artifacts("differential");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{name}.txt"), summary + "\n");
    }
}
