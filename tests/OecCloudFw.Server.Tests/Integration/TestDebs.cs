namespace OecCloudFw.Server.Tests.Integration;

/// <summary>Where ./test.sh puts the real packages the offline package source serves (artifacts/debs).</summary>
internal static class TestDebs
{
    public static string Folder
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "OecCloudFw.sln")))
            {
                dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
            }

            return Path.Combine(dir, "artifacts", "debs");
        }
    }
}
