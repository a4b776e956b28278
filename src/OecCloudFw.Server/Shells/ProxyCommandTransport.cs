using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// ProxyCommand: <c>/bin/sh -c COMMAND</c>, as OpenSSH runs it, whose standard input and output carry the connection.
/// SSH.NET connects only to a TCP endpoint, so a loopback listener (127.0.0.1, a port the kernel picks) accepts exactly
/// one connection and pumps it to and from the command. The command is killed when the connection is disposed; its
/// standard error (the last 2 KB) goes into the message when the connection fails.
/// </summary>
internal sealed class ProxyCommandTransport : IDisposable
{
    private const int StderrKept = 2048;
    private readonly string _command;
    private readonly Process _process;
    private readonly Socket _listener;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrRead;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _accepted;
    private int _disposed;

    private ProxyCommandTransport(string command, Process process, Socket listener)
    {
        _command = command;
        _process = process;
        _listener = listener;
        _stderrRead = ReadStderrAsync();
        _ = PumpAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public static SshTransport Start(string command)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new OecCloudFw.Core.LayerFailureException($"ProxyCommand '{command}' did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            listener.Dispose();
            throw new OecCloudFw.Core.LayerFailureException($"ProxyCommand '{command}' did not start ({ex.Message})", ex);
        }

        var proxy = new ProxyCommandTransport(command, process, listener);
        return SshTransport.Through("127.0.0.1", proxy.Port, $"ProxyCommand '{command}'", proxy.Detail, [proxy]);
    }

    /// <summary>What the command said (and whether it exited), waiting briefly for it to finish saying it.</summary>
    private string Detail()
    {
        // A failed connection usually means the command exited: give it a moment to, and its stderr to be read to the end.
        bool exited;
        int exitCode;
        try
        {
            exited = _process.WaitForExit(TimeSpan.FromSeconds(2)) && _stderrRead.Wait(TimeSpan.FromSeconds(2));
            exitCode = exited ? _process.ExitCode : 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            return string.Empty;
        }

        string said;
        lock (_stderr)
        {
            said = _stderr.ToString().Trim();
        }

        var code = exited ? $"it exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}" : "it is still running";
        return said.Length == 0 ? $"{code}, saying nothing on stderr" : $"{code}; its stderr: {said}";
    }

    private async Task ReadStderrAsync()
    {
        var buffer = new char[1024];
        var reader = _process.StandardError;
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, _stop.Token).ConfigureAwait(false)) > 0)
            {
                lock (_stderr)
                {
                    _stderr.Append(buffer, 0, read);
                    if (_stderr.Length > StderrKept)
                    {
                        _stderr.Remove(0, _stderr.Length - StderrKept);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The command was killed (the connection was disposed).
        }
    }

    /// <summary>Accepts the one connection, then copies both ways until either side ends.</summary>
    private async Task PumpAsync()
    {
        try
        {
            var socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            _accepted = socket;
            _listener.Dispose();
            await using var network = new NetworkStream(socket, ownsSocket: false);
            var stdin = _process.StandardInput.BaseStream;
            var stdout = _process.StandardOutput.BaseStream;
            var up = Task.Run(async () =>
            {
                try
                {
                    await network.CopyToAsync(stdin, _stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    stdin.Dispose();
                }
            });
            var down = Task.Run(async () =>
            {
                try
                {
                    await stdout.CopyToAsync(network, _stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    // The command ended its output (it exited): the SSH client sees the connection close.
                    socket.Shutdown(SocketShutdown.Both);
                }
            });
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away; Dispose tidies up the rest.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        _accepted?.Dispose();
        _listener.Dispose();
        _process.Dispose();
        _stop.Dispose();
    }
}
