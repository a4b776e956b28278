namespace OecCloudFw.Server.Shells;

/// <summary>Runs a POSIX sh script as root on one server (over SSH, or on this machine), one exec per call.</summary>
public interface IServerShell : IAsyncDisposable
{
    /// <summary>Where the script runs, for messages: <c>root@host:22</c> or <c>local</c>.</summary>
    string Target { get; }

    /// <summary>The way a new connection goes, for what a proof claims: " through jump host root@b:22"; empty when direct.</summary>
    string Route { get; }

    /// <summary>
    /// Whether this shell can open a NEW connection to the server (over SSH: yes). A shell that cannot (this machine,
    /// --local) must not be asked to: a change made through it is proven by evaluating the applied ruleset instead.
    /// </summary>
    bool CanOpenNewConnection { get; }

    /// <summary>Execs run through this shell so far.</summary>
    int Execs { get; }

    /// <summary>Runs <paramref name="script"/> with <c>sh -s</c> (through <c>sudo -n</c> for a non-root user), in one exec.</summary>
    Task<ShellResult> RunScriptAsync(string script, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="script"/> with <c>sh -s -- ARGUMENTS</c>: the script is a fixed file, its values arrive as
    /// positional parameters (each one quoted as a single word, never read as shell syntax on the way).
    /// </summary>
    Task<ShellResult> RunScriptAsync(string script, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);

    /// <summary>Opens a NEW connection to the same address and port and runs a trivial command: proof that access survives.</summary>
    Task<bool> ProbeNewConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a NEW connection (the same host key; <paramref name="port"/>, or the connection's own when null) and runs
    /// <paramref name="script"/> there as <see cref="RunScriptAsync(string, IReadOnlyList{string}, CancellationToken)"/>
    /// does: the proof that access survives and the work that needs that proof in one. Null when no new connection
    /// could be made or its session failed.
    /// </summary>
    Task<ShellResult?> RunOnNewConnectionAsync(int? port, string script, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default);
}
