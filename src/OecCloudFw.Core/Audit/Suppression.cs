namespace OecCloudFw.Core.Audit;

/// <summary>
/// A finding a team has accepted (<c>--suppressions FILE</c>): which finding (its id), on which servers (a host or a
/// glob), optionally on which port, why, who owns the decision, and until when.
/// </summary>
/// <param name="Id">The finding's id (OECFW-SSH-INTERNET).</param>
/// <param name="Server">A host or a glob of hosts (<c>*</c> any characters, <c>?</c> one): web-*.example.net.</param>
/// <param name="Port">The finding's port; null for any.</param>
/// <param name="Reason">Why it is accepted.</param>
/// <param name="Owner">Who accepted it.</param>
/// <param name="Expires">The last day it holds; from the next day on it is itself a finding.</param>
/// <param name="Line">Where it is in its file (file:line in messages).</param>
public sealed record Suppression(string Id, string Server, int? Port, string Reason, string Owner, DateOnly Expires, string Line)
{
    /// <summary>True when it names this finding on this server (and port, when it gives one).</summary>
    public bool Matches(string id, string server, int? port) =>
        string.Equals(Id, id, StringComparison.OrdinalIgnoreCase) && Glob(Server, server) && (Port is null || Port == port);

    /// <summary>True when the suppression no longer holds on <paramref name="today"/>.</summary>
    public bool ExpiredOn(DateOnly today) => today > Expires;

    /// <summary>Whether <paramref name="host"/> matches <paramref name="pattern"/> (case-insensitive; <c>*</c> and <c>?</c>).</summary>
    public static bool Glob(string pattern, string host)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(host);
        int p = 0, h = 0, star = -1, mark = 0;
        while (h < host.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(host[h])))
            {
                p++;
                h++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = h;
            }
            else if (star >= 0)
            {
                p = star + 1;
                h = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
