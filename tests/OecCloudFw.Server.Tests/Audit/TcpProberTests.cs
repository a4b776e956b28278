using OecCloudFw.Core.Audit;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Audit;

/// <summary>
/// The live probe against a real default-deny test server: the kernel's answers (SYN-ACK, RST, ICMP, silence) give the
/// verdicts, and only silence waits — as long as the round trip of the tool's own SSH connection says.
/// </summary>
public sealed class TcpProberTests
{
    /// <summary>
    /// INPUT DROP by default: 22 accepted (sshd listens), 80 accepted with nothing listening (the kernel answers RST),
    /// 81 rejected with a TCP reset, 82 rejected with ICMP port unreachable, 83 with ICMP host unreachable, 443 and
    /// 8443 dropped (silence).
    /// </summary>
    private static Task DefaultDenyAsync(TestServer server) => server.ExecAsync("""
        set -e
        iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        iptables -A INPUT -i lo -j ACCEPT
        iptables -A INPUT -p tcp --dport 22 -j ACCEPT
        iptables -A INPUT -p tcp --dport 80 -j ACCEPT
        iptables -A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset
        iptables -A INPUT -p tcp --dport 82 -j REJECT
        iptables -A INPUT -p tcp --dport 83 -j REJECT --reject-with icmp-host-unreachable
        iptables -P INPUT DROP
        """, Ct);

    private static readonly int[] Ports = [22, 80, 81, 82, 83, 443, 8443];

    [Fact]
    public async Task DefaultDenyServer_VerdictsAsTheKernelAnswers_OnlySilentPortsRetried_WaitSizedFromTheSshRoundTrip()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await DefaultDenyAsync(server);
        TimeSpan? roundTrip;
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            roundTrip = shell.FirstExchange;
        }

        var cap = TimeSpan.FromSeconds(2);
        var timing = ProbeTiming.FromRoundTrip(roundTrip, cap);
        var result = await TcpProber.ProbeAsync(server.Address, Ports, timing, cancellationToken: Ct);

        Assert.Equal(Reachability.Open, result.Verdicts[22]);
        Assert.Equal(Reachability.Closed, result.Verdicts[80]);
        Assert.Equal(Reachability.Closed, result.Verdicts[81]);
        Assert.Equal(Reachability.Closed, result.Verdicts[82]);
        Assert.Equal(Reachability.Filtered, result.Verdicts[83]);
        Assert.Equal(Reachability.Filtered, result.Verdicts[443]);
        Assert.Equal(Reachability.Filtered, result.Verdicts[8443]);
        // Only the silent ports were probed again: every other port answered the first time.
        Assert.Equal([443, 8443], result.Retried.Order());

        // The wait: 4 round trips of the measured first exchange, at least the floor, at most the cap; a slow answer may
        // only have stretched it (within the cap). The whole probe waits at most two of them.
        Assert.NotNull(roundTrip);
        Assert.True(roundTrip > TimeSpan.Zero);
        var sized = roundTrip.Value * ProbeTiming.RoundTrips > ProbeTiming.Floor ? roundTrip.Value * ProbeTiming.RoundTrips : ProbeTiming.Floor;
        Assert.Equal(sized < cap ? sized : cap, timing.Wait);
        Assert.InRange(result.Timing.Wait, timing.Wait, cap);
        Assert.Equal(result.Timing.Wait * 2, result.Timing.Deadline);
        // Here (a veth pair on this machine), the round trip is far below the 0.5 s that would reach the cap: the whole
        // probe's deadline is under the old way's 2 x 2 s.
        Assert.True(result.Timing.Deadline < TimeSpan.FromSeconds(4), $"deadline {result.Timing.Deadline}, first exchange {roundTrip}");
    }

    /// <summary>
    /// A slow link: everything the server sends is held 150 ms (this kernel has no netem: delaylink.py holds the packets
    /// through NFQUEUE, inside the server's namespace only), so the round trip is 150 ms more. The measured first
    /// exchange grows with it, the wait grows with that, and the verdicts stay right: open answers late but answers.
    /// </summary>
    [Fact]
    public async Task SlowLink_150ms_WaitGrowsWithTheLink_DropStillFiltered_OpenStillOpen()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await DefaultDenyAsync(server);
        var script = Path.Combine(AppContext.BaseDirectory, "Servers", "delaylink.py");
        await server.ExecAsync($$"""
            set -e
            iptables -t mangle -A OUTPUT -o eth0 -j NFQUEUE --queue-num 1
            setsid python3 {{script}} 150 1 > /run/delaylink.log 2>&1 < /dev/null &
            i=0; until grep -q ready /run/delaylink.log; do i=$((i+1)); [ $i -gt 200 ] && { cat /run/delaylink.log; exit 1; }; sleep 0.05; done
            """, Ct);
        TimeSpan? roundTrip;
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            roundTrip = shell.FirstExchange;
        }

        var cap = TimeSpan.FromSeconds(3);
        var timing = ProbeTiming.FromRoundTrip(roundTrip, cap);
        var result = await TcpProber.ProbeAsync(server.Address, [22, 80, 443], timing, cancellationToken: Ct);

        // The SYN-ACK and sshd's identification line each come 150 ms late: the first exchange is at least that.
        Assert.NotNull(roundTrip);
        Assert.True(roundTrip >= TimeSpan.FromMilliseconds(150), $"first exchange {roundTrip}");
        Assert.True(timing.Wait >= TimeSpan.FromMilliseconds(600), $"wait {timing.Wait}");
        Assert.Equal(Reachability.Open, result.Verdicts[22]);
        Assert.Equal(Reachability.Closed, result.Verdicts[80]);
        Assert.Equal(Reachability.Filtered, result.Verdicts[443]);
        Assert.Equal([443], result.Retried);
        Assert.InRange(result.Timing.Wait, timing.Wait, cap);
    }

    [Fact]
    public async Task FixedTiming_TheOldWay_SameVerdicts_EveryAttemptWaitsTheCap()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await DefaultDenyAsync(server);

        var result = await TcpProber.ProbeAsync(server.Address, Ports, ProbeTiming.Fixed(TimeSpan.FromMilliseconds(500)), cancellationToken: Ct);

        Assert.Equal(
            [Reachability.Open, Reachability.Closed, Reachability.Closed, Reachability.Closed, Reachability.Filtered, Reachability.Filtered, Reachability.Filtered],
            Ports.Select(p => result.Verdicts[p]));
        Assert.Equal(TimeSpan.FromMilliseconds(500), result.Timing.Wait);
        Assert.False(result.Timing.Adaptive);
    }

    [Fact]
    public void Timing_Rule_FourRoundTrips_FloorCapAndUnmeasured()
    {
        var cap = TimeSpan.FromSeconds(2);
        Assert.Equal(TimeSpan.FromMilliseconds(200), ProbeTiming.FromRoundTrip(TimeSpan.FromMilliseconds(1), cap).Wait);
        Assert.Equal(TimeSpan.FromMilliseconds(600), ProbeTiming.FromRoundTrip(TimeSpan.FromMilliseconds(150), cap).Wait);
        Assert.Equal(cap, ProbeTiming.FromRoundTrip(TimeSpan.FromMilliseconds(900), cap).Wait);
        Assert.Equal(TimeSpan.FromSeconds(1), ProbeTiming.FromRoundTrip(null, cap).Wait);
        Assert.Equal(TimeSpan.FromSeconds(1), ProbeTiming.FromRoundTrip(null, TimeSpan.FromSeconds(1)).Wait);
        // A slow answer stretches the wait to four times itself, never beyond the cap; a fast one never shortens it.
        var timing = ProbeTiming.FromRoundTrip(TimeSpan.FromMilliseconds(10), cap);
        Assert.Equal(TimeSpan.FromMilliseconds(200), timing.Stretched(TimeSpan.FromMilliseconds(20)));
        Assert.Equal(TimeSpan.FromMilliseconds(1200), timing.Stretched(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(cap, timing.Stretched(TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(500), ProbeTiming.Fixed(TimeSpan.FromMilliseconds(500)).Stretched(TimeSpan.FromSeconds(1)));
    }
}
