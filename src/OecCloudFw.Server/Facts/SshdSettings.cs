using System.Globalization;

namespace OecCloudFw.Server.Facts;

/// <summary>The effective sshd configuration (<c>sshd -T</c>, which already follows Include and sshd_config.d).</summary>
public sealed record SshdSettings(IReadOnlyList<int> Ports, string? PasswordAuthentication, string? PermitRootLogin)
{
    /// <summary>KbdInteractiveAuthentication (ChallengeResponseAuthentication before OpenSSH 8.7): another way to a password prompt.</summary>
    public string? KbdInteractiveAuthentication { get; init; }

    public static SshdSettings Parse(string? sshdT)
    {
        var ports = new List<int>();
        string? password = null, root = null, kbd = null;
        foreach (var line in (sshdT ?? string.Empty).Split('\n'))
        {
            var parts = line.Trim().Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }

            switch (parts[0].ToLowerInvariant())
            {
                case "port" when int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                    ports.Add(port);
                    break;
                case "listenaddress":
                    // "listenaddress 0.0.0.0:2222" also names a port.
                    var colon = parts[1].LastIndexOf(':');
                    if (colon > 0 && int.TryParse(parts[1][(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var lport))
                    {
                        ports.Add(lport);
                    }

                    break;
                case "passwordauthentication":
                    password = parts[1];
                    break;
                case "permitrootlogin":
                    root = parts[1];
                    break;
                case "kbdinteractiveauthentication" or "challengeresponseauthentication":
                    kbd ??= parts[1];
                    break;
            }
        }

        return new SshdSettings(ports.Distinct().ToList(), password, root) { KbdInteractiveAuthentication = kbd };
    }

    /// <summary>Ports of a systemd ssh.socket (<c>Listen=[::]:2222 (Stream)</c> lines).</summary>
    public static IReadOnlyList<int> ParseSocketPorts(string? systemctlShow) =>
        (systemctlShow ?? string.Empty).Split('\n')
            .Where(l => l.Contains("(Stream)", StringComparison.Ordinal))
            .SelectMany(l => l.Split(['=', ' '], StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w.LastIndexOf(':') is var c and >= 0 ? w[(c + 1)..] : w)
            .Select(w => int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0)
            .Where(p => p is > 0 and <= 65535)
            .Distinct()
            .ToList();
}
