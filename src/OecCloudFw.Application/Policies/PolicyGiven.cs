using OecCloudFw.Core.Policy;

namespace OecCloudFw.Application.Policies;

/// <summary>
/// The policy as the operator gave it: a policy file and the options that shape it, each value as typed (a value may
/// list several, comma-separated). Given no file and no option, a server is held to the policy last applied there
/// (<see cref="RememberedPolicy"/>); a file overrides that record, an option shapes it.
/// </summary>
/// <param name="File">--policy, or null.</param>
/// <param name="Optional">--optional values.</param>
/// <param name="SshSources">--ssh-source values.</param>
/// <param name="Sources">--source values.</param>
/// <param name="ExtraPorts">--extra-port values.</param>
/// <param name="Ipv6">The IPv6 choice: null (the file's), true, or false for IPv4 only (--ipv4-only).</param>
public sealed record PolicyGiven(string? File, IReadOnlyList<string> Optional, IReadOnlyList<string> SshSources, IReadOnlyList<string> Sources, IReadOnlyList<string> ExtraPorts, bool? Ipv6)
{
    /// <summary>True when a file or an option shaping the policy was given: the record is not used as it stands then.</summary>
    public bool Shapes => File is not null || Optional.Count > 0 || SshSources.Count > 0 || Sources.Count > 0 || ExtraPorts.Count > 0 || Ipv6 == false;

    /// <summary>The flags (and file) the policy came from, as the record's header says it.</summary>
    public string Origin
    {
        get
        {
            var words = new List<string>();
            if (File is not null)
            {
                // Only printable characters: the words go into a comment line of the record.
                words.Add($"--policy {new string(Path.GetFullPath(File).Select(c => char.IsControl(c) ? '?' : c).ToArray())}");
            }

            words.AddRange(Optional.Select(o => $"--optional {o}"));
            words.AddRange(SshSources.Select(s => $"--ssh-source {s}"));
            words.AddRange(Sources.Select(s => $"--source {s}"));
            words.AddRange(ExtraPorts.Select(p => $"--extra-port {p}"));
            if (Ipv6 == false)
            {
                words.Add("--ipv4-only");
            }

            return words.Count == 0 ? "the defaults" : string.Join(' ', words);
        }
    }

    /// <summary>The options shaping the policy, each comma-separated value split.</summary>
    public PolicyOptions Shaping => new()
    {
        Optional = Split(Optional),
        SshSources = Split(SshSources),
        Sources = Split(Sources),
        ExtraPorts = Split(ExtraPorts),
        Ipv6 = Ipv6,
    };

    private static List<string> Split(IReadOnlyList<string> values) =>
        [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
