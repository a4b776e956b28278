using System.Globalization;
using System.Text.RegularExpressions;

namespace OecCloudFw.Testing.Servers;

/// <summary>
/// A real ssh-agent on a socket of its own (never the caller's), killed by its pid on dispose. Keys are added without a
/// terminal: an askpass script that prints the passphrase (SSH_ASKPASS_REQUIRE=force, stdin from /dev/null).
/// </summary>
public sealed partial class TestAgent : IAsyncDisposable
{
    private readonly string _dir;
    private int _pid;

    private TestAgent(string dir, string socket, int pid)
    {
        _dir = dir;
        Socket = socket;
        _pid = pid;
    }

    /// <summary>The agent's socket, what SSH_AUTH_SOCK would hold.</summary>
    public string Socket { get; }

    public static async Task<TestAgent> StartAsync(CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("oecfw-agent-").FullName;
        var socket = Path.Combine(dir, "agent.sock");
        var (_, stdout, _) = await TestServer.Run("ssh-agent", ["-s", "-a", socket], cancellationToken);
        var pid = int.Parse(PidLine().Match(stdout).Groups[1].Value, CultureInfo.InvariantCulture);
        return new TestAgent(dir, socket, pid);
    }

    /// <summary>Loads a (passphrase-protected) key into the agent as ssh-add does, answering the passphrase through askpass.</summary>
    public async Task AddAsync(string key, string passphrase, CancellationToken cancellationToken)
    {
        var askpass = Path.Combine(_dir, "askpass");
        await File.WriteAllTextAsync(askpass, $"#!/bin/sh\necho '{passphrase}'\n", cancellationToken);
        await TestServer.Run("chmod", ["500", askpass], cancellationToken);
        var (code, _, stderr) = await TestServer.Run("sh", ["-c", $"SSH_AUTH_SOCK='{Socket}' SSH_ASKPASS='{askpass}' SSH_ASKPASS_REQUIRE=force DISPLAY=none ssh-add '{key}' </dev/null"], cancellationToken, check: false);
        if (code != 0)
        {
            throw new InvalidOperationException($"ssh-add {key}: {stderr}");
        }
    }

    /// <summary>Stops the agent now (its socket goes away): "the agent gone".</summary>
    public async Task StopAsync()
    {
        if (_pid > 0)
        {
            await TestServer.Run("kill", [_pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None, check: false);
            _pid = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"SSH_AGENT_PID=(\d+)")]
    private static partial Regex PidLine();
}
