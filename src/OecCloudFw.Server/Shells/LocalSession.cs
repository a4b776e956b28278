using System.Globalization;
using System.Net;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// The SSH session the tool runs in on this machine (--local), if any: <c>$SSH_CONNECTION</c>, or, where sudo reset the
/// environment (<c>sudo oec-cloudfw … --local</c>, sudo's env_reset drops it), the nearest parent process's, read from
/// <c>/proc/PID/environ</c> up to the sshd session. Only a well-formed value ("client port server port") is returned.
/// </summary>
internal static class LocalSession
{
    private const int MaxDepth = 32;

    /// <summary>"198.51.100.7 52144 203.0.113.20 22", or empty when this process runs in no SSH session it can tell.</summary>
    public static string Connection() => Connection(Environment.GetEnvironmentVariable("SSH_CONNECTION"), Environment.ProcessId, "/proc");

    internal static string Connection(string? own, int pid, string proc)
    {
        if (Valid(own))
        {
            return own!.Trim();
        }

        for (var (current, depth) = (pid, 0); current > 1 && depth < MaxDepth; depth++)
        {
            var parent = Parent(proc, current);
            if (parent is not { } p || p <= 1)
            {
                break;
            }

            if (Variable(proc, p, "SSH_CONNECTION") is { } found && Valid(found))
            {
                return found.Trim();
            }

            current = p;
        }

        return string.Empty;
    }

    private static int? Parent(string proc, int pid)
    {
        try
        {
            // /proc/PID/stat: "PID (COMM) STATE PPID …"; COMM may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText(Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture), "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Variable(string proc, int pid, string name)
    {
        try
        {
            var prefix = name + "=";
            return File.ReadAllText(Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture), "environ"))
                .Split('\0').FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Two addresses and two ports, nothing else: the value reaches a script on this machine.</summary>
    private static bool Valid(string? value)
    {
        var words = value?.Trim().Split(' ') ?? [];
        return words.Length == 4 && IPAddress.TryParse(words[0], out _) && IPAddress.TryParse(words[2], out _) &&
               ushort.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out _) &&
               ushort.TryParse(words[3], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
