using System.Globalization;
using System.Reflection;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Harden;

/// <summary>
/// Whether fail2ban's sshd jail would ever ban: its filter run by fail2ban-regex on this server's own sshd failure lines,
/// from the log or journal the jail reads (Harden/fail2ban-filter.sh, embedded, shellchecked). <c>server harden</c>
/// proves it inside the armed change on a failed login of its own, adding the sshd-session override when the filter
/// misses (OpenSSH 9.8 and later log failures as sshd-session); the audit checks the recent failure lines, read-only.
/// </summary>
public static class Fail2BanFilter
{
    /// <summary>Where harden puts the script for the armed change to run.</summary>
    public const string ScriptPath = "/var/lib/oec-cloudfw/fail2ban-filter.sh";

    /// <summary>Where the proof of harden's last run is kept (read after the change is confirmed).</summary>
    public const string ProofPath = "/var/lib/oec-cloudfw/fail2ban-filter.proof";

    private static readonly Lazy<string> ScriptText = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("fail2ban-filter.sh")
                           ?? throw new InvalidOperationException("fail2ban-filter.sh is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Script => ScriptText.Value;

    /// <summary>
    /// The commands that prove the filter (or add the override and prove it, or fail with the reason): the script put in
    /// place, then run on the first SSH port at an address sshd listens on.
    /// </summary>
    public static IReadOnlyList<string> ProveCommands(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var port = facts.SshPorts[0];
        return
        [
            $"mkdir -p /var/lib/oec-cloudfw && printf '%s' {ShellQuote.Quote(Script)} > {ScriptPath}",
            $"sh {ScriptPath} prove {port.ToString(CultureInfo.InvariantCulture)} {ShellQuote.Quote(Address(facts, port))}",
        ];
    }

    /// <summary>Where a failed login of the server's own reaches sshd: loopback when sshd listens there, else the address this session came in on.</summary>
    public static string Address(ServerFacts facts, int port)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var sshd = facts.Listening.Where(l => l.Port == port).Select(l => l.Address.Trim('[', ']')).ToList();
        if (sshd.Count == 0 || sshd.Any(a => a is "0.0.0.0" or "*" || a.StartsWith("127.", StringComparison.Ordinal)))
        {
            return "127.0.0.1";
        }

        if (sshd.Any(a => a is "::" or "::1"))
        {
            return "::1";
        }

        return facts.Connection?.ServerAddress is { Length: > 0 } server && sshd.Contains(server) ? server : sshd[0];
    }

    /// <summary>
    /// The audit's check (read-only, one fail2ban-regex run on the last sshd failure lines), when an sshd jail runs;
    /// null when none runs or the check could not run.
    /// </summary>
    public static async Task<Fail2BanFilterProof?> CheckAsync(IServerShell shell, ServerFacts facts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Fail2Ban is not { } text || !facts.Commands.Contains("fail2ban-client") || facts.SshPorts.Count == 0 ||
            !HostFactsReader.Fail2BanPorts(text).Intersect(facts.SshPorts).Any())
        {
            return null;
        }

        var port = facts.SshPorts[0];
        var result = await shell.RunScriptAsync(Script, ["check", port.ToString(CultureInfo.InvariantCulture), Address(facts, port)], cancellationToken);
        return result.ExitCode == 0 ? Fail2BanFilterProof.Parse(result.Stdout) : null;
    }

    /// <summary>What harden's armed change proved (its proof file); null when it has none.</summary>
    public static async Task<Fail2BanFilterProof?> ReadProofAsync(IServerShell shell, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shell);
        var result = await shell.RunScriptAsync($"cat {ProofPath} 2>/dev/null; true", cancellationToken);
        return Fail2BanFilterProof.Parse(result.Stdout);
    }
}
