using System.Globalization;

namespace OecCloudFw.Server.Facts;

/// <summary>A TCP socket in LISTEN state (<c>ss -Htlnp</c>).</summary>
public sealed record ListeningSocket(string Address, int Port, string Process)
{
    /// <summary>True when it listens on every address (not only loopback).</summary>
    public bool IsPublic => Address is "0.0.0.0" or "*" or "[::]" or "::" || !(Address.StartsWith("127.", StringComparison.Ordinal) || Address is "[::1]" or "::1");

    public static IReadOnlyList<ListeningSocket> Parse(string? ss)
    {
        var result = new List<ListeningSocket>();
        foreach (var line in (ss ?? string.Empty).Split('\n'))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4)
            {
                continue;
            }

            // State Recv-Q Send-Q Local:Port Peer:Port [Process]
            var local = fields[0] == "LISTEN" ? fields[3] : fields[2];
            var colon = local.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(local[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }

            var address = local[..colon];
            var percent = address.IndexOf('%', StringComparison.Ordinal);
            if (percent >= 0)
            {
                address = address[..percent];
            }

            var process = fields.FirstOrDefault(f => f.StartsWith("users:", StringComparison.Ordinal)) is { } users
                ? users.Split('"').ElementAtOrDefault(1) ?? string.Empty
                : string.Empty;
            result.Add(new ListeningSocket(address, port, process));
        }

        return result;
    }
}
