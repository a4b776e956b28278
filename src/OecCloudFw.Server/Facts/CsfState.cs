namespace OecCloudFw.Server.Facts;

/// <summary>ConfigServer Firewall and its login failure daemon, which the guide says to disable (they break Docker networking).</summary>
public sealed record CsfState(bool Installed, bool Disabled, bool LfdRunning, string Version)
{
    /// <summary>CSF counts as active unless it has been disabled with <c>csf -x</c>.</summary>
    public bool Active => Installed && (!Disabled || LfdRunning);

    public static CsfState? Parse(string? section)
    {
        if (section is null)
        {
            return null;
        }

        var lines = section.Split('\n');
        return new CsfState(
            true,
            lines.Any(l => l.Trim() == "csf: disabled"),
            lines.Any(l => l.Trim() == "lfd: running"),
            lines.FirstOrDefault(l => l.StartsWith("csf:", StringComparison.Ordinal) && l.Contains('v', StringComparison.Ordinal))?.Trim() ?? "csf");
    }
}
