using System.Globalization;
using System.Text.RegularExpressions;

namespace OecCloudFw.Testing.Servers;

/// <summary>
/// A private link between two test servers, as between a bastion and a server behind it: a veth pair of their own
/// between the two servers' network namespaces, a /30 from 198.18.236.0/22 (no other test uses it; the addresses exist
/// only inside the two namespaces), and optionally the far server's sshd listening ONLY there, so that it is reachable
/// through the near one and from nowhere else. Gone with the servers (deleting a namespace deletes its end of the pair).
/// </summary>
public sealed partial class BastionLink
{
    private static int s_next = -1;

    private BastionLink(TestServer near, TestServer far, string nearAddress, string farAddress)
    {
        Near = near;
        Far = far;
        NearAddress = nearAddress;
        FarAddress = farAddress;
    }

    /// <summary>The bastion side.</summary>
    public TestServer Near { get; }

    /// <summary>The server behind it.</summary>
    public TestServer Far { get; }

    /// <summary>The bastion's address on the link: what the far server's sshd log shows as the client.</summary>
    public string NearAddress { get; }

    /// <summary>The far server's address on the link: where the bastion connects on to.</summary>
    public string FarAddress { get; }

    /// <summary>A known_hosts line for the far server under its link address.</summary>
    public string FarKnownHostsLine
    {
        get
        {
            var key = File.ReadAllText(Path.Combine(Far.WorkDir, "host_key.pub")).Split(' ');
            return $"{FarAddress} {key[0]} {key[1]}";
        }
    }

    /// <summary>Links near to far; with <paramref name="farSshdOnlyHere"/>, far's sshd then listens only on the link.</summary>
    public static async Task<BastionLink> CreateAsync(TestServer near, TestServer far, bool farSshdOnlyHere = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(near);
        ArgumentNullException.ThrowIfNull(far);
        var n = Interlocked.Increment(ref s_next) % 256;
        var nearAddress = $"198.18.{(236 + (n / 64)).ToString(CultureInfo.InvariantCulture)}.{((n % 64 * 4) + 1).ToString(CultureInfo.InvariantCulture)}";
        var farAddress = $"198.18.{(236 + (n / 64)).ToString(CultureInfo.InvariantCulture)}.{((n % 64 * 4) + 2).ToString(CultureInfo.InvariantCulture)}";
        var id = n.ToString(CultureInfo.InvariantCulture);
        var nearNs = $"cfwtest{near.Index.ToString(CultureInfo.InvariantCulture)}";
        var farNs = $"cfwtest{far.Index.ToString(CultureInfo.InvariantCulture)}";
        await TestServer.Run("ip", ["link", "add", $"bt{id}", "netns", nearNs, "type", "veth", "peer", "name", $"tb{id}", "netns", farNs], cancellationToken);
        await TestServer.Run("ip", ["-n", nearNs, "addr", "add", $"{nearAddress}/30", "dev", $"bt{id}"], cancellationToken);
        await TestServer.Run("ip", ["-n", nearNs, "link", "set", $"bt{id}", "up"], cancellationToken);
        await TestServer.Run("ip", ["-n", farNs, "addr", "add", $"{farAddress}/30", "dev", $"tb{id}"], cancellationToken);
        await TestServer.Run("ip", ["-n", farNs, "link", "set", $"tb{id}", "up"], cancellationToken);
        if (farSshdOnlyHere)
        {
            // sshd re-executes itself on SIGHUP and binds what its configuration now says: only the link address.
            await far.ExecAsync($$"""
                set -e
                printf 'ListenAddress {{farAddress}}\n' > /etc/ssh/sshd_config.d/10-bastion-link.conf
                kill -HUP "$(cat /run/sshd.pid)"
                i=0
                until [ "$(ss -Htln 'sport = :22' | awk '{print $4}' | sort | tr '\n' ' ')" = "{{farAddress}}:22 " ]; do
                  i=$((i+1)); [ $i -gt 200 ] && { ss -Htln; exit 1; }; sleep 0.05
                done
                """, cancellationToken);
        }

        return new BastionLink(near, far, nearAddress, farAddress);
    }

    /// <summary>The client addresses of the logins a server's sshd accepted, in order (from its log).</summary>
    public static IReadOnlyList<string> AcceptedFrom(TestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var log = Path.Combine(server.WorkDir, "sshd.log");
        return File.Exists(log)
            ? File.ReadAllLines(log).Select(l => AcceptedPattern().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList()
            : [];
    }

    /// <summary>Lets the holder of <paramref name="publicKeyFile"/> log in to the server as root too.</summary>
    public static Task AuthorizeAsync(TestServer server, string publicKeyFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.ExecAsync($"cat '{publicKeyFile}' >> /root/.ssh/authorized_keys", cancellationToken);
    }

    [GeneratedRegex(@"^Accepted \S+ for \S+ from (\S+) port ")]
    private static partial Regex AcceptedPattern();
}
