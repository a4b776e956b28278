namespace OecCloudFw.Server.Shells;

/// <summary>POSIX single-quoting: the only way any value reaches a shell command.</summary>
internal static class ShellQuote
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
