using System.Globalization;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// What fail2ban-regex said of the sshd jail's filter on this server's own sshd failure lines (Harden/fail2ban-filter.sh's
/// "OECFW-F2B" line and the last line it tried).
/// </summary>
/// <param name="Matched">Lines the filter matched.</param>
/// <param name="Lines">Lines tried: sshd's failure lines from the jail's log or journal (0: there were none).</param>
/// <param name="Filter">The jail's filter, as fail2ban-regex was given it (sshd, sshd[mode=aggressive], …).</param>
/// <param name="Source">The log file the jail reads, or "journal".</param>
/// <param name="Override">oec-cloudfw's filter.d override (sshd-session) is in place.</param>
/// <param name="Line">The last line tried.</param>
public sealed record Fail2BanFilterProof(int Matched, int Lines, string Filter, string Source, bool Override, string? Line)
{
    /// <summary>sshd logged failures and the filter matched none of them: the jail bans nobody.</summary>
    public bool Misses => Lines > 0 && Matched == 0;

    /// <summary>The filter matched at least one of sshd's own failure lines.</summary>
    public bool Proven => Matched > 0;

    private string Where => Source == "journal" ? "the journal" : Source;

    /// <summary>In words: what was tried and what matched.</summary>
    public string Describe() => Lines == 0
        ? $"no sshd failure line in {Where} to try fail2ban's {Filter} filter on"
        : $"fail2ban-regex: the sshd jail's filter {Filter} matched {Matched} of {Lines} sshd failure line(s) in {Where}" +
          (Override ? " (with oec-cloudfw's sshd-session override in filter.d)" : string.Empty) +
          (Line is { Length: > 0 } line ? $", last: \"{line}\"" : string.Empty);

    /// <summary>The script's output; null when it has no result line.</summary>
    public static Fail2BanFilterProof? Parse(string? text)
    {
        var lines = (text ?? string.Empty).Split('\n');
        var result = lines.FirstOrDefault(l => l.StartsWith("OECFW-F2B ", StringComparison.Ordinal));
        if (result is null)
        {
            return null;
        }

        var fields = result["OECFW-F2B ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("matched", out var m) || !int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var matched) ||
            !fields.TryGetValue("lines", out var n) || !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var total))
        {
            return null;
        }

        var line = lines.FirstOrDefault(l => l.StartsWith("OECFW-F2B-LINE ", StringComparison.Ordinal))?["OECFW-F2B-LINE ".Length..].Trim();
        return new Fail2BanFilterProof(matched, total, fields.GetValueOrDefault("filter", "sshd"), fields.GetValueOrDefault("source", string.Empty),
            fields.GetValueOrDefault("override") == "yes", line);
    }
}
