using System.Diagnostics;

namespace OecCloudFw.Server.Shells;

/// <summary>The machine the tool runs on (--local, e.g. from cloud-init): scripts run with /bin/sh, through sudo -n when not root.</summary>
public sealed class LocalShell : IServerShell
{
    private int _execs;

    public string Target => "local";

    public string Route => string.Empty;

    /// <summary>Locally there is no connection to make: nothing may claim one was made.</summary>
    public bool CanOpenNewConnection => false;

    public int Execs => _execs;

    public Task<ShellResult> RunScriptAsync(string script, CancellationToken cancellationToken = default) => RunScriptAsync(script, [], cancellationToken);

    public async Task<ShellResult> RunScriptAsync(string script, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(arguments);
        Interlocked.Increment(ref _execs);
        string[] tail = arguments.Count == 0 ? [] : ["--", .. arguments];
        // The SSH session this runs in (the lockout check and the local proof keep its client admitted). Through sudo as a
        // command word, since sudo's env_reset would drop it from the environment; validated, never read as shell syntax.
        var session = LocalSession.Connection();
        var start = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("/bin/sh", ["-s", .. tail])
            : new ProcessStartInfo("sudo", ["-n", "env", $"OECFW_SSH_CONNECTION={session}", "/bin/sh", "-s", .. tail]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["OECFW_SSH_CONNECTION"] = session;
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex) when (!Environment.IsPrivilegedProcess)
        {
            throw new Core.LayerFailureException($"--local needs root and sudo is not installed here ({ex.Message}): run it as root", ex);
        }

        using var process = started ?? throw new InvalidOperationException("cannot start /bin/sh");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.StandardInput.WriteAsync(script.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process ended before reading the script (sudo -n refusing): its exit code and stderr say why, below.
        }
        await process.WaitForExitAsync(cancellationToken);
        var result = new ShellResult(process.ExitCode, await stdout, await stderr);
        if (!Environment.IsPrivilegedProcess && result.ExitCode != 0 && result.Stderr.StartsWith("sudo:", StringComparison.Ordinal))
        {
            // sudo -n refused (a password is required, or the user may not use sudo): nothing ran.
            throw new Core.LayerFailureException(
                $"--local needs root: run it with sudo (sudo oec-cloudfw …), or give {Environment.UserName} NOPASSWD sudo; nothing was run ({result.Stderr.Trim()})");
        }

        return result;
    }

    /// <summary>No new connection can be made locally (<see cref="CanOpenNewConnection"/> is false): asking is a bug.</summary>
    public Task<bool> ProbeNewConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("no new connection can be made locally: prove the change by evaluating the applied ruleset");

    /// <summary>No new connection can be made locally (<see cref="CanOpenNewConnection"/> is false): asking is a bug.</summary>
    public Task<ShellResult?> RunOnNewConnectionAsync(int? port, string script, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("no new connection can be made locally: prove the change by evaluating the applied ruleset");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
