using System.Security.Cryptography;
using System.Text;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// An OpenSSH known_hosts file: plain and hashed (<c>|1|salt|hash</c>) host patterns, <c>[host]:port</c> for
/// non-standard ports, and <c>@revoked</c> markers.
/// </summary>
internal sealed class KnownHosts(string path)
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

    /// <summary>Appends the key as ssh's accept-new does (plain host pattern), unless it is there already.</summary>
    public void Add(string host, int port, string keyType, byte[] key) => AddIfUnknown(host, port, keyType, key);

    /// <summary>
    /// accept-new, safe when many connections (a fleet audited in parallel, or several processes) add keys at once:
    /// under a process-wide lock and an exclusive lock file beside known_hosts, the file is checked again and the line
    /// appended only if the host is still unknown. Returns the verdict under the lock (Unknown: it was added).
    /// </summary>
    public Match AddIfUnknown(string host, int port, string keyType, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!Directory.Exists(directory) && !OperatingSystem.IsWindows())
        {
            // As ssh makes ~/.ssh: private to the user.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(directory);
        }

        lock (s_lock)
        {
            using var fileLock = AcquireFileLock(path + ".lock");
            var verdict = Check(host, port, keyType, key);
            if (verdict != Match.Unknown)
            {
                return verdict;
            }

            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var needsNewline = stream.Length > 0 && !File.ReadAllText(path).EndsWith('\n');
            var line = Encoding.UTF8.GetBytes($"{(needsNewline ? "\n" : string.Empty)}{HostPattern(host, port)} {keyType} {Convert.ToBase64String(key)}\n");
            stream.Write(line); // one write: a reader never sees half a line
            return Match.Unknown;
        }
    }

    private static readonly Lock s_lock = new();

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>An exclusive lock file (flock through FileShare.None) that other processes of the tool respect.</summary>
    private static FileStream AcquireFileLock(string lockPath)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                Thread.Sleep(5);
            }
            catch (IOException ex)
            {
                throw new Core.LayerFailureException($"{lockPath} stayed locked for {LockWait.TotalSeconds:0} s: another run is adding to known_hosts; remove the file if none is", ex);
            }
        }
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
