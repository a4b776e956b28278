namespace OecCloudFw.Server.Facts;

/// <summary>The server's OS family and package manager, from /etc/os-release.</summary>
public sealed record OsInfo(string Id, string IdLike, string PrettyName, string PackageManager)
{
    public bool IsDebianLike => Id is "debian" or "ubuntu" || IdLike.Contains("debian", StringComparison.Ordinal);

    public bool IsRhelLike => Id is "rhel" or "centos" or "rocky" or "almalinux" or "fedora" or "ol" or "amzn" ||
                              IdLike.Contains("rhel", StringComparison.Ordinal) || IdLike.Contains("fedora", StringComparison.Ordinal);

    public static OsInfo Parse(string? osRelease, IReadOnlySet<string> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var values = (osRelease ?? string.Empty).Split('\n')
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim().Trim('"'), StringComparer.Ordinal);
        var manager = commands.Contains("apt-get") ? "apt-get" : commands.Contains("dnf") ? "dnf" : commands.Contains("yum") ? "yum" : "none";
        return new OsInfo(values.GetValueOrDefault("ID", "unknown"), values.GetValueOrDefault("ID_LIKE", string.Empty),
            values.GetValueOrDefault("PRETTY_NAME", "unknown"), manager);
    }
}
