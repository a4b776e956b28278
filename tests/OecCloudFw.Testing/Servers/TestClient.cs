using System.Globalization;

namespace OecCloudFw.Testing.Servers;

/// <summary>
/// "The internet" next to a test server: a network namespace on the server's second link (eth1, its default route)
/// holding several source addresses from 198.18.0.0/15 and 2001:2::/48, from which real TCP SYNs are sent to the server.
/// What the kernel does with them is the oracle the evaluator is checked against. Torn down on dispose.
/// </summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly TestServer _server;
    private readonly string _scripts;

    private TestClient(TestServer server, string scripts, IReadOnlyList<string> sources)
    {
        _server = server;
        _scripts = scripts;
        Sources = sources;
    }

    /// <summary>The server's addresses on the client link.</summary>
    public static string ServerAddress4 => "198.18.199.1";

    public static string ServerAddress6 => "2001:2:0:ff::1";

    public IReadOnlyList<string> Sources { get; }

    public static async Task<TestClient> AttachAsync(TestServer server, IReadOnlyList<string> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(sources);
        var scripts = Path.Combine(AppContext.BaseDirectory, "Servers");
        var index = server.Index.ToString(CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = await TestServer.Run("sh", [Path.Combine(scripts, "testclient.sh"), "up", index, .. sources], cancellationToken, check: false);
        var client = new TestClient(server, scripts, sources);
        if (code != 0)
        {
            await client.DisposeAsync();
            throw new InvalidOperationException($"test client {index} did not start: {stderr}{stdout}");
        }

        return client;
    }

    /// <summary>
    /// Sends one SYN from every source to every port at once and returns what the kernel did, per (source, port):
    /// "open", "refused" or "filtered". With <paramref name="accepted"/>, "open" also needs the server's listener to have
    /// accepted the connection (listen.py closes it at once: the client reads its FIN), so a handshake whose last ACK the
    /// server drops is not "open" (an untracked connection's ACK meets the rules itself).
    /// </summary>
    public Task<IReadOnlyDictionary<(string Source, int Port), string>> SynAsync(IEnumerable<string> sources, IEnumerable<int> ports, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        SynAsync(sources, ports, timeout, accepted: false, cancellationToken);

    /// <inheritdoc cref="SynAsync(IEnumerable{string}, IEnumerable{int}, TimeSpan, CancellationToken)"/>
    public async Task<IReadOnlyDictionary<(string Source, int Port), string>> SynAsync(IEnumerable<string> sources, IEnumerable<int> ports, TimeSpan timeout, bool accepted, CancellationToken cancellationToken = default)
    {
        var (code, stdout, stderr) = await TestServer.Run("ip", ["netns", "exec", $"cfwcli{_server.Index.ToString(CultureInfo.InvariantCulture)}", "/usr/bin/python3",
            Path.Combine(_scripts, "synprobe.py"), timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), ServerAddress4, ServerAddress6,
            string.Join(',', ports), string.Join(',', sources), accepted ? "accepted" : "any"], cancellationToken, check: false);
        if (code != 0)
        {
            throw new InvalidOperationException($"synprobe failed: {stderr}{stdout}");
        }

        var result = new Dictionary<(string, int), string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            result[(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture))] = parts[2];
        }

        return result;
    }

    /// <summary>Starts listeners on the server for these TCP ports, IPv4 and IPv6, and waits until they listen.</summary>
    public static Task ListenAsync(TestServer server, IEnumerable<int> ports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var script = Path.Combine(AppContext.BaseDirectory, "Servers", "listen.py");
        return server.ExecAsync($$"""
            setsid /usr/bin/python3 {{script}} {{string.Join(',', ports)}} > /run/listen.log 2>&1 < /dev/null &
            i=0; until grep -q listening /run/listen.log; do i=$((i+1)); [ $i -gt 200 ] && { cat /run/listen.log; exit 1; }; sleep 0.05; done
            """, cancellationToken);
    }

    /// <summary>Starts listeners in the client network (on every client address) for these TCP ports, IPv4 and IPv6.</summary>
    public async Task ListenHereAsync(IEnumerable<int> ports, CancellationToken cancellationToken = default)
    {
        var log = Path.Combine(_server.WorkDir, "client-listen.log");
        var script = Path.Combine(_scripts, "listen.py");
        var ns = $"cfwcli{_server.Index.ToString(CultureInfo.InvariantCulture)}";
        await TestServer.Run("sh", ["-c", $$"""
            setsid ip netns exec {{ns}} /usr/bin/python3 {{script}} {{string.Join(',', ports)}} > {{log}} 2>&1 < /dev/null &
            i=0; until grep -q listening {{log}}; do i=$((i+1)); [ $i -gt 200 ] && { cat {{log}}; exit 1; }; sleep 0.05; done
            """], cancellationToken);
    }

    /// <summary>
    /// Connects from the server to every (client address, port) at once and returns what the kernel did: "open",
    /// "refused" or "filtered" (the server's output path is the thing tested).
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Destination, int Port), string>> ConnectFromServerAsync(IEnumerable<string> destinations, IEnumerable<int> ports, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var stdout = await _server.ExecAsync($"/usr/bin/python3 {Path.Combine(_scripts, "outprobe.py")} {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} {string.Join(',', ports)} {string.Join(',', destinations)}", cancellationToken);
        var result = new Dictionary<(string, int), string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            result[(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture))] = parts[2];
        }

        return result;
    }

    public async ValueTask DisposeAsync() =>
        await TestServer.Run("sh", [Path.Combine(_scripts, "testclient.sh"), "down", _server.Index.ToString(CultureInfo.InvariantCulture)], CancellationToken.None, check: false);
}
