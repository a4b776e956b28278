using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Connectivity;

/// <summary>
/// The guide's "Testing Connectivity": from the runner, the SSH port, HTTP (which should redirect to HTTPS) and HTTPS
/// (which should complete TLS); from the server, outbound 443 to api.oec.sh and hub.docker.com, and the mail ports when
/// asked. Each failure carries the guide's troubleshooting diagnosis.
/// </summary>
public static class ConnectivityTester
{
    public static readonly string[] OutboundHosts = ["api.oec.sh", "hub.docker.com"];
    public static readonly int[] MailPorts = [25, 465, 587];

    /// <summary>The outbound checks (Connectivity/outbound.sh, embedded, shellchecked): the seconds, then host and port pairs.</summary>
    private static readonly Lazy<string> OutboundScript = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("outbound.sh")
                           ?? throw new InvalidOperationException("outbound.sh is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static async Task<IReadOnlyList<ConnectivityCheck>> FromRunnerAsync(string host, int sshPort, string? domain, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var checks = new List<ConnectivityCheck>();
        var ssh = await TcpAsync(host, sshPort, timeout, cancellationToken);
        checks.Add(new ConnectivityCheck("runner", $"SSH {host}:{sshPort}", ssh == "connected", ssh, ssh switch
        {
            "connected" => null,
            "refused" => "Connection refused on the SSH port: the firewall blocks it (check the cloud rules), SSH is not running (sudo systemctl status sshd, from the provider's console), or the IP is wrong",
            _ => "No answer on the SSH port: the cloud or server firewall drops it, or the server is powered off/unreachable; OEC.sh shows \"Server Unreachable\"",
        }));

        checks.Add(await HttpAsync(host, domain, timeout, cancellationToken));
        checks.Add(await TlsAsync(host, domain, timeout, cancellationToken));
        return checks;
    }

    /// <summary>Outbound checks run on the server, in one exec.</summary>
    public static async Task<IReadOnlyList<ConnectivityCheck>> FromServerAsync(IServerShell shell, IReadOnlyList<string> mailHosts, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(mailHosts);
        var targets = OutboundHosts.Select(h => (Host: h, Port: 443)).Concat(mailHosts.SelectMany(h => MailPorts.Select(p => (Host: h, Port: p)))).ToList();
        var seconds = Math.Max(1, (int)timeout.TotalSeconds);
        string[] arguments = [seconds.ToString(CultureInfo.InvariantCulture), .. targets.SelectMany(t => new[] { t.Host, t.Port.ToString(CultureInfo.InvariantCulture) })];
        var result = await shell.RunScriptAsync(OutboundScript.Value, arguments, cancellationToken);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var checks = new List<ConnectivityCheck>();
        foreach (var (targetHost, port) in targets)
        {
            var outcome = lines.FirstOrDefault(l => l.StartsWith($"{targetHost} {port} ", StringComparison.Ordinal))?.Split(' ')[2] ?? "not run";
            checks.Add(new ConnectivityCheck("server", $"{targetHost}:{port}", outcome == "connected", outcome, outcome switch
            {
                "connected" => null,
                "not run" => "the check did not run on the server: its output has no line for it",
                "dns" => $"{targetHost} does not resolve on the server: check /etc/resolv.conf and outbound DNS (53)",
                "refused" => $"{targetHost}:{port} refused the connection: something on the path rejects it (a proxy, or a REJECT rule in OUTPUT)",
                _ => port == 443
                    ? $"outbound 443 to {targetHost} is blocked: check the cloud's egress rules and the server's OUTPUT chain (Docker Hub, package repos and the OEC.sh API need it)"
                    : $"outbound mail port {port} is blocked: many clouds block 25 by default; use 465/587 or ask the provider to lift it",
            }));
        }

        // Only what the script said is reported: a check with no line did not run, and is not "stopped".
        checks.Add(lines.Contains("sshd running") ? new ConnectivityCheck("server", "sshd", true, "running", null)
            : lines.Contains("sshd stopped") ? new ConnectivityCheck("server", "sshd", false, "stopped", "sshd is not running: sudo systemctl start sshd")
            : new ConnectivityCheck("server", "sshd", false, "not run", "the check did not run on the server: its output has no line for it"));
        checks.Add(lines.Contains("traefik running") ? new ConnectivityCheck("server", "traefik", true, "running", null)
            : lines.Contains("traefik not running") ? new ConnectivityCheck("server", "traefik", false, "not running", "the Traefik container is not running (docker ps | grep traefik): HTTP/HTTPS will time out or be refused")
            : new ConnectivityCheck("server", "traefik", false, "not run", "the check did not run on the server: its output has no line for it"));
        return checks;
    }

    private static async Task<string> TcpAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken) =>
        await Audit.TcpProber.ConnectAsync(host, port, timeout, cancellationToken) switch
        {
            Core.Audit.Reachability.Open => "connected",
            Core.Audit.Reachability.Closed => "refused",
            _ => "timed out",
        };

    public static async Task<ConnectivityCheck> HttpAsync(string host, string? domain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = timeout, UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = timeout * 2 };
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{host}/");
        if (domain is not null)
        {
            request.Headers.Host = domain;
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location?.ToString();
            var redirects = status is >= 300 and < 400 && location?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
            return new ConnectivityCheck("runner", "HTTP 80", redirects, redirects ? $"{status} to {location}" : $"{status} without a redirect to HTTPS",
                redirects ? null : "HTTP should redirect to HTTPS: check the reverse proxy (Traefik) entry point for :80");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new ConnectivityCheck("runner", "HTTP 80", false, "refused", "Connection refused on 80: no web server is running: check Traefik: docker ps | grep traefik");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new ConnectivityCheck("runner", "HTTP 80", false, "timed out", "Connection timed out on 80: the firewall blocks it (check both the cloud and the server level), or the server is not reachable");
        }
    }

    public static async Task<ConnectivityCheck> TlsAsync(string host, string? domain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var name = domain ?? host;
        // One connection: the TCP connect that tells open from refused or filtered is the one TLS runs over.
        var (reachability, connected) = await Audit.TcpProber.OpenAsync(host, 443, timeout, cancellationToken);
        if (connected is null)
        {
            return new ConnectivityCheck("runner", "HTTPS 443", false, reachability == Core.Audit.Reachability.Closed ? "refused" : "timed out",
                reachability == Core.Audit.Reachability.Closed
                    ? "Connection refused on 443: no web server is running: check Traefik: docker ps | grep traefik"
                    : "Connection timed out on 443: the firewall blocks it (check both the cloud and the server level), or the server is not reachable");
        }

        using var client = connected;
        SslPolicyErrors errors = SslPolicyErrors.None;
        await using var tls = new SslStream(client.GetStream(), false, (_, _, _, e) =>
        {
            errors = e;
            return e == SslPolicyErrors.None;
        });
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout * 2);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = name }, cts.Token);
            return new ConnectivityCheck("runner", "HTTPS 443", true, $"TLS {tls.SslProtocol} completed, certificate trusted for {name}", null);
        }
        catch (System.Security.Authentication.AuthenticationException) when (errors != SslPolicyErrors.None)
        {
            return new ConnectivityCheck("runner", "HTTPS 443", false, $"TLS reached the certificate, which is NOT trusted for {name} ({errors})",
                $"the certificate is not valid for {name}: check the domain's DNS and the certificate (Let's Encrypt via Traefik); pass --domain with the site's name");
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return new ConnectivityCheck("runner", "HTTPS 443", false, "TLS handshake failed", "something listens on 443 but does not speak TLS: check the reverse proxy's certificate configuration");
        }
    }
}
