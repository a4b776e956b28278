namespace OecCloudFw.Server.Shells;

/// <summary>What one command run on a server returned.</summary>
public sealed record ShellResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
}
