using System.Security.Cryptography;
using System.Text;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// An OpenSSH known_hosts file: plain and hashed (<c>|1|salt|hash</c>) host patterns, <c>[host]:port</c> for
/// non-standard ports, and <c>@revoked</c> markers.
/// </summary>
public sealed class KnownHosts(string path)
{
    /// <summary>The verdict for a key a server presented.</summary>
    public enum Match
    {
        Known,
        Unknown,
        Changed,
        Revoked,
    }

    public static string HostPattern(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    public Match Check(string host, int port, string keyType, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!File.Exists(path))
        {
            return Match.Unknown;
        }

        var pattern = HostPattern(host, port);
        var presented = Convert.ToBase64String(key);
        var sameType = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            string? marker = null;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0];
                fields = fields[1..];
            }

            if (fields.Length < 3 || marker == "@cert-authority" || !HostsMatch(fields[0], pattern))
            {
                continue;
            }

            if (marker == "@revoked" && fields[2] == presented)
            {
                return Match.Revoked;
            }

            if (fields[1] == keyType)
            {
                if (fields[2] == presented)
                {
                    return Match.Known;
                }

                sameType = true;
            }
        }

        return sameType ? Match.Changed : Match.Unknown;
    }

    private static readonly Lock s_append = new();

    /// <summary>
    /// Appends the key as ssh's accept-new does (plain host pattern), once: connections of one run (a fleet's servers
    /// behind the same bastion) may meet the same new key at once.
    /// </summary>
    public void Add(string host, int port, string keyType, byte[] key)
    {
        lock (s_append)
        {
            if (Check(host, port, keyType, key) != Match.Known)
            {
                Append(host, port, keyType, key);
            }
        }
    }

    private void Append(string host, int port, string keyType, byte[] key)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var needsNewline = File.Exists(path) && new FileInfo(path).Length > 0 && !File.ReadAllText(path).EndsWith('\n');
        File.AppendAllText(path, $"{(needsNewline ? "\n" : string.Empty)}{HostPattern(host, port)} {keyType} {Convert.ToBase64String(key)}\n");
    }

    private static bool HostsMatch(string field, string pattern)
    {
        if (field.StartsWith("|1|", StringComparison.Ordinal))
        {
            var parts = field.Split('|');
            if (parts.Length != 4)
            {
                return false;
            }

            try
            {
                var salt = Convert.FromBase64String(parts[2]);
                // OpenSSH's HashKnownHosts format is defined with HMAC-SHA1; it is matched here, not chosen.
#pragma warning disable CA5350
                var hash = HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(pattern));
#pragma warning restore CA5350
                return CryptographicOperations.FixedTimeEquals(hash, Convert.FromBase64String(parts[3]));
            }
            catch (FormatException)
            {
                return false;
            }
        }

        var matched = false;
        foreach (var entry in field.Split(','))
        {
            var negated = entry.StartsWith('!');
            var glob = negated ? entry[1..] : entry;
            if (SshConfig.GlobMatches(glob, pattern))
            {
                if (negated)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }
}
