using System.Reflection;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Audit.Cis;

/// <summary>
/// What nftables.service would load at boot (CIS 4.3.10), read over the audit's shell only when the benchmark is asked
/// for: /etc/nftables.conf loaded into a scratch network namespace and listed (nftables-boot.sh).
/// </summary>
public static class NftablesBoot
{
    private static readonly Lazy<string> Script = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("nftables-boot.sh")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The facts with <see cref="ServerFacts.NftablesBoot"/> read; as they were when there is no nft or no /etc/nftables.conf.</summary>
    public static async Task<ServerFacts> ReadAsync(IServerShell shell, ServerFacts facts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(facts);
        if (!facts.Commands.Contains("nft") || facts.NftablesEnabledBy is null)
        {
            return facts;
        }

        // Exit 3: no unshare, so nothing was tried (the check is undecided, not failed).
        var result = await shell.RunScriptAsync(Script.Value, cancellationToken);
        return result.ExitCode == 3 ? facts : facts with { NftablesBoot = result.ExitCode == 0 ? (result.Stdout, null) : (null, $"{result.Stdout}{result.Stderr}".Trim()) };
    }
}
