namespace OecCloudFw.Testing.Servers;

/// <summary>
/// The real CSF/LFD (the maintained GPLv3 release 15.10, vendored in tests/OecCloudFw.Testing/Vendor/csf with its
/// offline installer, from ../shared/vendor/csf) installed and started inside a test server (about 5 s).
/// </summary>
public static class CsfInServer
{
    public static Task InstallAsync(TestServer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var installer = Path.Combine(RepositoryRoot.Path, "tests", "OecCloudFw.Testing", "Vendor", "csf", "install-in-server.sh");
        return server.ExecAsync($"bash {installer} > /run/csf-install.out 2>&1 || {{ cat /run/csf-install.out; exit 1; }}", cancellationToken);
    }
}
