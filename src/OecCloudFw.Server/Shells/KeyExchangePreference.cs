using OecCloudFw.Core;
using Renci.SshNet;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// The key exchanges the tool offers, in order, as OpenSSH's client would: the operator's <c>KexAlgorithms</c> (as
/// <c>ssh -G</c> prints it, its <c>+</c>/<c>-</c>/<c>^</c> forms resolved; the built-in parser resolves them the same
/// way), otherwise OpenSSH's default preference. Names SSH.NET does not implement are skipped; nothing else is added,
/// so the tool never negotiates weaker than OpenSSH would with the same server.
/// </summary>
public static class KeyExchangePreference
{
    /// <summary>OpenSSH's client default (9.9 and later): the post-quantum hybrids, then curve25519, then the NIST curves and the DH groups.</summary>
    public static IReadOnlyList<string> OpenSshDefault { get; } =
    [
        "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
    ];

    /// <summary>
    /// The built-in defaults older OpenSSH clients print from <c>ssh -G</c> when nothing is configured (9.0-9.8: the same
    /// list without ML-KEM). Such a list is not the operator's choice but the installed client's age: the current default
    /// is offered instead, which only adds a stronger (post-quantum) exchange in front.
    /// </summary>
    private static readonly string[][] OlderDefaults = [[.. OpenSshDefault.Skip(1)]];

    /// <summary>
    /// The list to offer for a configured value (null: not configured): OpenSSH's default, or the configured names in
    /// their order. <c>+</c> appends to the default, <c>-</c> removes (patterns with <c>*</c> and <c>?</c>), <c>^</c>
    /// puts in front, as ssh_config(5) says.
    /// </summary>
    public static IReadOnlyList<string> Wanted(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return OpenSshDefault;
        }

        var value = configured.Trim();
        var names = value.TrimStart('+', '-', '^').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IReadOnlyList<string> list = value[0] switch
        {
            '+' => [.. OpenSshDefault, .. names.Where(n => !OpenSshDefault.Contains(n, StringComparer.Ordinal))],
            '-' => [.. OpenSshDefault.Where(n => !names.Any(p => Matches(n, p)))],
            '^' => [.. names, .. OpenSshDefault.Where(n => !names.Contains(n, StringComparer.Ordinal))],
            _ => names,
        };
        return OlderDefaults.Any(d => d.SequenceEqual(list, StringComparer.Ordinal)) ? OpenSshDefault : list;
    }

    /// <summary>
    /// Leaves in <paramref name="info"/> only the wanted exchanges SSH.NET implements, in the wanted order (SSH.NET's
    /// own list also holds SHA-1 groups OpenSSH no longer offers). None left: exit 3, naming KexAlgorithms.
    /// </summary>
    public static void Apply(ConnectionInfo info, IReadOnlyList<string> wanted, string target)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(wanted);
        var available = info.KeyExchangeAlgorithms.ToList();
        var chosen = wanted.Distinct(StringComparer.Ordinal)
            .Select(name => available.FirstOrDefault(a => a.Key == name))
            .Where(a => a.Key is not null)
            .ToList();
        if (chosen.Count == 0)
        {
            throw new LayerFailureException(
                $"no key exchange to offer {target}: KexAlgorithms ({string.Join(",", wanted)}) names none the tool implements " +
                $"({string.Join(", ", available.Select(a => a.Key).Where(OpenSshDefault.Contains))}): add one of them to KexAlgorithms in the ssh config");
        }

        info.KeyExchangeAlgorithms.Clear();
        foreach (var (name, create) in chosen)
        {
            info.KeyExchangeAlgorithms.Add(name, create);
        }
    }

    /// <summary>An ssh_config pattern: <c>*</c> any run of characters, <c>?</c> one.</summary>
    private static bool Matches(string name, string pattern) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
