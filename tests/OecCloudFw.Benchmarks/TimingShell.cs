using System.Diagnostics;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Benchmarks;

/// <summary>Wraps a shell and records how long each exec and each new-connection check took.</summary>
internal sealed class TimingShell(IServerShell inner) : IServerShell
{
    public List<(string What, TimeSpan Took)> Calls { get; } = [];

    public string Target => inner.Target;

    public string Route => inner.Route;

    public bool CanOpenNewConnection => inner.CanOpenNewConnection;

    public int Execs => inner.Execs;

    public Task<ShellResult> RunScriptAsync(string script, CancellationToken cancellationToken = default) => RunScriptAsync(script, [], cancellationToken);

    public async Task<ShellResult> RunScriptAsync(string script, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var result = await inner.RunScriptAsync(script, arguments, cancellationToken);
        var what = script.Contains("oecfw_apply", StringComparison.Ordinal) ? "arm+apply"
            : script.Contains("oec-cloudfw probe", StringComparison.Ordinal) ? "probe"
            : script.Contains("OECFW-CONFIRMED", StringComparison.Ordinal) ? "confirm" : "exec";
        Calls.Add((what, watch.Elapsed));
        return result;
    }

    public async Task<bool> ProbeNewConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var ok = await inner.ProbeNewConnectionAsync(timeout, cancellationToken);
        Calls.Add(("new connection", watch.Elapsed));
        return ok;
    }

    public async Task<ShellResult?> RunOnNewConnectionAsync(int? port, string script, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var result = await inner.RunOnNewConnectionAsync(port, script, arguments, timeout, cancellationToken);
        Calls.Add(("new connection + confirm", watch.Elapsed));
        return result;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
