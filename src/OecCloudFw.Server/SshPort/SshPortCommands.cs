using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.SshPort;

/// <summary>
/// The server-side commands of an SSH port move, per step: where sshd listens (an sshd_config.d drop-in that sorts
/// first, every other <c>Port</c> line commented out, and the ssh.socket <c>ListenStream</c> override where sshd is
/// socket-activated and a <c>Port</c> line would be ignored), checked with <c>sshd -t</c> and <c>sshd -T</c>, sshd
/// reloaded and its listening sockets checked; and the removal of the old port's allow rules from the server firewall.
/// </summary>
internal static class SshPortCommands
{
    public const string DropIn = "/etc/ssh/sshd_config.d/00-oec-cloudfw-port.conf";

    public const string SocketDropIn = "/etc/systemd/system/ssh.socket.d/oec-cloudfw-port.conf";

    private static readonly string[] IptablesTools = ["iptables", "ip6tables"];

    /// <summary>sshd (and ssh.socket) listening on exactly <paramref name="ports"/>, and no longer on <paramref name="closed"/>.</summary>
    public static IReadOnlyList<string> Listen(ServerFacts facts, IReadOnlyList<int> ports, int? closed = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(ports);
        var list = string.Join(" ", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var content = "# oec-cloudfw server ssh-port: the ports sshd listens on. Port lines elsewhere are commented out.\n" +
                      string.Concat(ports.Select(p => $"Port {p.ToString(CultureInfo.InvariantCulture)}\n"));
        var commands = new List<string>
        {
            // Port lines add up across files: every other one goes, so the drop-in alone decides.
            $"for f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do [ -f \"$f\" ] && [ \"$f\" != {DropIn} ] && sed -i 's/^[[:space:]]*[Pp][Oo][Rr][Tt][[:space:]]/# oec-cloudfw ssh-port: &/' \"$f\"; done; true",
            $"mkdir -p /etc/ssh/sshd_config.d && printf '%s' {ShellQuote.Quote(content)} > {DropIn} && chmod 644 {DropIn}",
            "sshd -t",
            $"want=$(printf '%s\\n' {list} | sort -n | tr '\\n' ' '); got=$({{ sshd -T 2>/dev/null || sshd -T -C user=root,host=localhost,addr=127.0.0.1,laddr=127.0.0.1,lport={ports[0].ToString(CultureInfo.InvariantCulture)}; }} | sed -n 's/^port //p' | sort -n | tr '\\n' ' '); " +
            "[ \"$got\" = \"$want\" ] || { echo \"sshd would listen on $got, not $want (a ListenAddress with a port, or an Include after the drop-in?)\" >&2; false; }",
        };
        if (facts.SocketPorts.Count > 0)
        {
            // Socket-activated sshd (Ubuntu 22.10+): ssh.socket holds the listening sockets and a Port line is ignored.
            var socket = "[Socket]\nListenStream=\n" + string.Concat(ports.Select(p => $"ListenStream={p.ToString(CultureInfo.InvariantCulture)}\n"));
            commands.Add($"mkdir -p /etc/systemd/system/ssh.socket.d && printf '%s' {ShellQuote.Quote(socket)} > {SocketDropIn} && systemctl daemon-reload && systemctl restart ssh.socket");
        }
        else
        {
            commands.Add(Harden.SshHardening.ReloadCommand);
        }

        // Listening on each port, and on no other, before the new connection is tried.
        commands.Add(
            $"i=0; while :; do got=$(ss -Htln | awk '{{n=split($4,a,\":\"); print a[n]}}' | sort -nu | tr '\\n' ' '); ok=1; " +
            $"for p in {list}; do case \" $got \" in *\" $p \"*) ;; *) ok=0 ;; esac; done; " +
            (closed is { } c ? $"case \" $got \" in *\" {c.ToString(CultureInfo.InvariantCulture)} \"*) ok=0 ;; esac; " : string.Empty) +
            "[ $ok = 1 ] && break; " +
            "i=$((i+1)); [ $i -gt 50 ] && { echo \"sshd does not listen on every port: $got\" >&2; exit 1; }; sleep 0.1; done");
        return commands;
    }

    /// <summary>
    /// The commands that stop the server firewall admitting <paramref name="port"/> (the allow rules for exactly that
    /// port, as the frontend holds them), and the rules that still admit it afterwards and are not the tool's to remove.
    /// </summary>
    public static (IReadOnlyList<string> Commands, IReadOnlyList<string> LeftOpen) Close(ServerFacts facts, string backend, int port)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var p = port.ToString(CultureInfo.InvariantCulture);
        switch (backend)
        {
            case "ufw":
            {
                var commands = new List<string>();
                foreach (var rule in (facts.Ufw?.Rules ?? []).Where(r => r.Ports == PortRange.Single(port) && r.Protocol is Protocol.Tcp or Protocol.All))
                {
                    var action = rule.Action switch { RuleAction.Allow => "allow", RuleAction.Deny => "deny", _ => "reject" };
                    var proto = rule.Protocol == Protocol.Tcp ? "/tcp" : string.Empty;
                    commands.Add(rule.Source.IsInternet
                        ? $"ufw delete {action} {p}{proto}"
                        : $"ufw delete {action} from {ShellQuote.Quote(rule.Source.ToString())} to any port {p}{(rule.Protocol == Protocol.Tcp ? " proto tcp" : string.Empty)}");
                }

                return (commands.Distinct(StringComparer.Ordinal).ToList(), []);
            }

            case "firewalld":
            {
                var commands = new List<string>();
                foreach (var zone in facts.FirewalldZones)
                {
                    if (zone.Ports.Any(x => x.Ports == PortRange.Single(port) && x.Protocol == Protocol.Tcp))
                    {
                        commands.Add($"firewall-cmd --permanent --zone={ShellQuote.Quote(zone.Name)} --remove-port={p}/tcp");
                    }

                    if (port == 22 && zone.Services.Contains("ssh"))
                    {
                        commands.Add($"firewall-cmd --permanent --zone={ShellQuote.Quote(zone.Name)} --remove-service=ssh");
                    }
                }

                if (commands.Count > 0)
                {
                    commands.Add("firewall-cmd --reload");
                }

                var leftOpen = facts.FirewalldZones.SelectMany(z => z.RichRules.Where(r => r.Contains($"port=\"{p}\"", StringComparison.Ordinal)).Select(r => $"firewalld zone {z.Name}: {r}")).ToList();
                return (commands, leftOpen);
            }

            case "iptables":
            {
                // The tool's own INPUT rules for the port (its comments, exactly as iptables-save prints them: the
                // pattern admits nothing else, so the line is safe to hand back to iptables), deleted, then saved as
                // the frontend saves them.
                var pattern = $"^-A INPUT( -s [0-9a-fA-F.:/]+)? -p tcp( -m tcp)? --dport {p} -m comment --comment (SSH|\"SSH from elsewhere\") -j (ACCEPT|DROP)$";
                var commands = new List<string>();
                foreach (var tool in IptablesTools.Where(facts.Commands.Contains))
                {
                    commands.Add($"{tool}-save | grep -E {ShellQuote.Quote(pattern)} | sed 's/^-A /-D /' | while IFS= read -r rule; do eval \"{tool} $rule\" || exit 1; done");
                }

                commands.Add(IptablesBackend.SaveCommand(facts));
                var foreign = new[] { facts.IptablesSave4, facts.IptablesSave6 }
                    .SelectMany(save => (save ?? string.Empty).Split('\n'))
                    .Where(l => l.StartsWith("-A INPUT ", StringComparison.Ordinal) && l.Contains($"--dport {p} ", StringComparison.Ordinal) &&
                                !System.Text.RegularExpressions.Regex.IsMatch(l, pattern))
                    .Select(l => $"iptables: {l} (not the tool's; left alone)")
                    .ToList();
                return (commands, foreign);
            }

            case "nftables":
            {
                // The tool's own rules in its table for the port, by handle, then the ruleset saved as the frontend saves it.
                var table = NftablesBackend.Table;
                return (
                [
                    $"nft -a list chain inet {table} input | sed -n 's/^.* tcp dport {p} accept comment \"[^\"]*\" # handle \\([0-9][0-9]*\\)$/\\1/p' | " +
                    $"while read -r h; do nft delete rule inet {table} input handle \"$h\" || exit 1; done",
                    NftablesBackend.SaveCommand,
                ], []);
            }

            default:
                return ([], [$"the {backend} rules that admit tcp/{p} stay (sshd no longer listens there, so the kernel refuses it): remove them with the frontend's own tools"]);
        }
    }
}
