namespace OecCloudFw.Server.Facts;

/// <summary>
/// Where sshd's failed logins can be read: a syslog file (Debian's and Ubuntu's <c>/var/log/auth.log</c> when rsyslog
/// runs, RHEL's <c>/var/log/secure</c>) and whether the systemd journal exists. Debian 12 and later have no auth.log
/// by default, which is why fail2ban's stock sshd jail does not start there.
/// </summary>
/// <param name="File">The syslog file that exists, or null.</param>
/// <param name="Journal">True when the systemd journal runs.</param>
public sealed record SshLogSource(string? File, bool Journal)
{
    public static readonly SshLogSource None = new(null, false);

    public static SshLogSource Parse(string? text)
    {
        string? file = null;
        var journal = false;
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("file /", StringComparison.Ordinal))
            {
                file ??= line[5..];
            }
            else if (line == "journal")
            {
                journal = true;
            }
        }

        return new SshLogSource(file, journal);
    }
}
