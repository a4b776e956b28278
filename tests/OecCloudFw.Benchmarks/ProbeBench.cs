using System.Diagnostics;
using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Benchmarks;

/// <summary>
/// The probed audit of one default-deny test server (INPUT DROP but SSH: 80 and 443 silent), the adaptive probe next
/// to the old fixed-timeout way (every silent port waits --probe-timeout twice) in the same process, and the key
/// exchange the audit's SSH connection negotiated.
/// </summary>
internal static class ProbeBench
{
    public static async Task PrintAsync(int runs)
    {
        await using var server = await TestServer.StartAsync();
        await server.ExecAsync("""
            set -e
            iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
            iptables -A INPUT -i lo -j ACCEPT
            iptables -A INPUT -p tcp --dport 22 -j ACCEPT
            iptables -P INPUT DROP
            """);
        var target = new SshTarget(Host: server.Address, Identity: server.ClientKey, KnownHosts: server.KnownHosts);
        await OneAsync(target, fixedWait: false); // warm-up (JIT)
        var adaptive = new List<TimeSpan>();
        var fixedWaits = new List<TimeSpan>();
        ServerAudit? last = null;
        for (var i = 0; i < runs; i++)
        {
            // Interleaved, so that both ways see the same machine load.
            (var took, last) = await OneAsync(target, fixedWait: false);
            adaptive.Add(took);
            if (i < Math.Max(3, runs / 2))
            {
                fixedWaits.Add((await OneAsync(target, fixedWait: true)).Took);
            }
        }

        var median = Median(adaptive);
        var old = Median(fixedWaits);
        var probe = last!.Probe!;
        var verdicts = string.Join(", ", probe.Verdicts.OrderBy(v => v.Key).Select(v => $"{v.Key} {v.Value.ToString().ToLowerInvariant()}"));
        Console.WriteLine($"probed audit of a default-deny server: median {median.TotalSeconds:F2} s (fixed 2 s timeouts: {old.TotalSeconds:F2} s, {old / median:F1}x), {runs} and {fixedWaits.Count} runs");
        Console.WriteLine($"  the probe: {verdicts}; SSH first exchange {probe.Timing.RoundTrip?.TotalMilliseconds:F1} ms -> wait {probe.Timing.Wait.TotalMilliseconds:F0} ms per attempt, deadline {probe.Timing.Deadline.TotalMilliseconds:F0} ms; key exchange {last.KeyExchange}");
    }

    private static async Task<(TimeSpan Took, ServerAudit Audit)> OneAsync(SshTarget target, bool fixedWait)
    {
        using var cache = new CloudReadCache();
        var audit = new ServerAudit(ProcessEnvironment.Instance, [], cache) { FixedProbeWait = fixedWait };
        var watch = Stopwatch.StartNew();
        await audit.RunAsync(target, CloudFlags.None, FirewallPolicy.Default, probe: true, TimeSpan.FromSeconds(2));
        return (watch.Elapsed, audit);
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }
}
