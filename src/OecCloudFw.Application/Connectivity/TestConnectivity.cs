using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Server.Connectivity;

namespace OecCloudFw.Application.Connectivity;

/// <summary>
/// <c>test</c>: the guide's connectivity tests, from here (the SSH port, HTTP, HTTPS) and, when the SSH port answers,
/// from the server (outbound 443, the mail ports); checks the server could not run are reported as not run, with why.
/// </summary>
/// <param name="environment">Environment variables.</param>
public sealed class TestConnectivity(IEnvironment environment)
{
    /// <summary>The checks, from here first; the server's host as the document names it.</summary>
    /// <param name="target">The server (or this machine).</param>
    /// <param name="domain">The site's domain (the Host header and the TLS name), or null.</param>
    /// <param name="mailHosts">Mail servers the server's outbound mail ports are tested to, validated by the caller.</param>
    /// <param name="timeout">Per connection attempt.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<(string Host, IReadOnlyList<ConnectivityCheck> Checks)> RunAsync(SshTarget target, string? domain, IReadOnlyList<string> mailHosts, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(mailHosts);
        var ssh = target.Resolve(environment);
        var checks = new List<ConnectivityCheck>();
        if (ssh is not null)
        {
            checks.AddRange(await ConnectivityTester.FromRunnerAsync(ssh.Host, ssh.Port, domain, timeout, cancellationToken));
        }

        if (ssh is null || checks[0].Ok)
        {
            await using var shell = await target.ConnectAsync(environment, cancellationToken);
            try
            {
                checks.AddRange(await ConnectivityTester.FromServerAsync(shell, mailHosts, timeout, cancellationToken));
            }
            catch (LayerFailureException ex)
            {
                // The server's checks could not run (no root: sudo wants a password): each is reported as not run,
                // with why, never as blocked or stopped.
                var what = ConnectivityTester.OutboundHosts.Select(h => $"{h}:443").Concat(mailHosts.SelectMany(h => ConnectivityTester.MailPorts.Select(p => $"{h}:{p}"))).Append("sshd").Append("traefik");
                checks.AddRange(what.Select(w => new ConnectivityCheck("server", w, false, "not run", ex.Message)));
            }
        }

        return (ssh?.Host ?? "local", checks);
    }
}
