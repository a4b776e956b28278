namespace OecCloudFw.Server.Tests.Integration;

/// <summary>Where ./test.sh puts the real packages the offline package source serves (artifacts/debs).</summary>
internal static class TestDebs
{
    public static string Folder => Testing.RepositoryRoot.Artifacts("debs");
}
