using System.Globalization;

namespace OecCloudFw.Server.Facts;

/// <summary>The tool's own SSH connection as the server sees it (<c>$SSH_CONNECTION</c>): its port is always kept open.</summary>
public sealed record SshConnectionInfo(string ClientAddress, int ClientPort, string ServerAddress, int ServerPort)
{
    public static SshConnectionInfo? Parse(string? text)
    {
        var parts = (text ?? string.Empty).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 4 &&
               int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clientPort) &&
               int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var serverPort)
            ? new SshConnectionInfo(parts[0], clientPort, parts[2], serverPort)
            : null;
    }
}
