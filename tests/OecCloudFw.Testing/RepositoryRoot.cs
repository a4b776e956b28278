namespace OecCloudFw.Testing;

/// <summary>The checkout the tests run from (where OecCloudFw.sln is): its artifacts/ holds what ./test.sh fetched.</summary>
public static class RepositoryRoot
{
    public static string Path
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(System.IO.Path.Combine(dir, "OecCloudFw.sln")))
            {
                dir = System.IO.Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
            }

            return dir;
        }
    }

    public static string Artifacts(params string[] parts) => System.IO.Path.Combine([Path, "artifacts", .. parts]);
}
