using System.Globalization;
using System.Net;
using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Harden;

/// <summary>
/// fail2ban on the SSH port(s) actually in use, as exact commands: installed when missing (apt-get, else dnf/yum),
/// a jail file that wins over the distribution's (<c>jail.d/*.local</c> is read last, this one sorts last) with the
/// ports sshd really listens on, the log it can really read (<c>backend = systemd</c> where there is no auth.log, which
/// is why the stock jail does not start on Debian 12), the ban action of the firewall that filters (a ban lands where
/// the packets are decided), and <c>ignoreip</c> holding the operator's own address and the management sources;
/// its filter proven on a failed login of the server's own sshd with fail2ban-regex (the sshd-session override added
/// when it misses, see <see cref="Fail2BanFilter"/>), checked with <c>fail2ban-client -t</c>, (re)started, then proven:
/// the jail runs and its ignore list holds the operator's address.
/// </summary>
internal static class Fail2BanJail
{
    public const string JailFile = "/etc/fail2ban/jail.d/zz-oec-cloudfw-sshd.local";

    /// <summary>The ban action for a firewall frontend (ufw, firewalld, iptables, nftables).</summary>
    public static string BanAction(string frontend) => frontend switch
    {
        "ufw" => "ufw",
        "firewalld" => "firewallcmd-rich-rules",
        "nftables" => "nftables-multiport",
        _ => "iptables-multiport",
    };

    /// <summary>The frontend that filters now: the one a ban must go through (iptables when nothing filters yet, else nftables).</summary>
    public static string ActiveFrontend(ServerFacts facts) =>
        Configure.ConfigurePlanner.Filtering(facts) ?? (facts.Commands.Contains("iptables") ? "iptables" : "nftables");

    /// <summary>The jail file's text.</summary>
    public static string JailText(ServerFacts facts, string frontend, IReadOnlyList<Cidr> managementSources)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(managementSources);
        var ports = facts.SshPorts;
        if (ports.Count == 0)
        {
            throw new LayerFailureException("fail2ban: no SSH port found (sshd -T gave none and the connection is not SSH)");
        }

        var log = facts.SshLog.File is { } file
            ? $"backend = auto\nlogpath = {file}\n"
            : facts.SshLog.Journal
                ? "backend = systemd\n"
                : throw new LayerFailureException(
                    "fail2ban: sshd's log cannot be read here: no /var/log/auth.log or /var/log/secure and no systemd journal; nothing was changed");
        return
            "# oec-cloudfw server harden: fail2ban's sshd jail on the SSH port(s) in use. Remove this file to undo.\n" +
            "[sshd]\n" +
            "enabled = true\n" +
            $"port = {string.Join(",", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)))}\n" +
            log +
            $"banaction = {BanAction(frontend)}\n" +
            $"ignoreip = {string.Join(" ", IgnoreList(facts, managementSources))}\n";
    }

    /// <summary>Loopback, the operator's own address (this SSH connection's source) and the management sources.</summary>
    public static IReadOnlyList<string> IgnoreList(ServerFacts facts, IReadOnlyList<Cidr> managementSources)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(managementSources);
        var list = new List<string> { "127.0.0.1/8", "::1" };
        if (facts.Connection is { } connection && IPAddress.TryParse(connection.ClientAddress, out var operatorAddress))
        {
            list.Add(operatorAddress.ToString());
        }

        list.AddRange(managementSources.Where(c => c.PrefixLength > 0).Select(c => c.ToString()));
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The commands: none when the jail already runs with this exact file (unless <paramref name="force"/>).</summary>
    /// <param name="facts">The server as read.</param>
    /// <param name="frontend">The frontend whose ban action is used.</param>
    /// <param name="managementSources">Never banned.</param>
    /// <param name="force">Plan it even when the jail runs as planned (its filter was found to miss sshd's lines).</param>
    public static IReadOnlyList<string> Plan(ServerFacts facts, string frontend, IReadOnlyList<Cidr> managementSources, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var text = JailText(facts, frontend, managementSources);
        var installed = facts.Commands.Contains("fail2ban-client");
        if (!force && Runs(facts) && (facts.Fail2Ban ?? string.Empty).Contains(text.Trim(), StringComparison.Ordinal))
        {
            return [];
        }

        var commands = new List<string>();
        if (!installed)
        {
            // The journal backend needs fail2ban's Python bindings for it.
            var journal = facts.SshLog.File is null;
            commands.Add(facts.Os.PackageManager switch
            {
                "apt-get" => $"DEBIAN_FRONTEND=noninteractive apt-get install -y -q fail2ban{(journal ? " python3-systemd" : "")} || {{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fail2ban{(journal ? " python3-systemd" : "")}; }}",
                "dnf" => "dnf install -y fail2ban",
                "yum" => "yum install -y fail2ban",
                _ => throw new LayerFailureException("fail2ban is not installed and no package manager (apt-get, dnf, yum) was found; nothing was changed"),
            });
        }

        var ignore = IgnoreList(facts, managementSources);
        commands.Add($"mkdir -p /etc/fail2ban/jail.d /run/fail2ban && printf '%s' {ShellQuote.Quote(text)} > {JailFile} && chmod 644 {JailFile}");
        // Before anything starts: the jail's filter matches a failed login of this server's own sshd (or the change fails
        // and is restored, with the reason).
        commands.AddRange(Fail2BanFilter.ProveCommands(facts));
        commands.Add("fail2ban-client -t >/dev/null");
        commands.Add(
            "if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then systemctl enable fail2ban >/dev/null 2>&1; systemctl restart fail2ban; " +
            "elif fail2ban-client ping >/dev/null 2>&1; then fail2ban-client reload >/dev/null; else fail2ban-client -x start >/dev/null; fi");
        // Proven: the jail answers, and the operator's address is in its ignore list as fail2ban runs it.
        commands.Add(
            "i=0; until fail2ban-client status sshd >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 150 ] && { echo 'fail2ban: the sshd jail did not start' >&2; exit 1; }; sleep 0.2; done; " +
            $"l=$(fail2ban-client get sshd ignoreip) && for a in {string.Join(" ", ignore.Skip(2).Select(ShellQuote.Quote))}; do printf '%s\\n' \"$l\" | sed 's/^[|`]- //' | grep -qxF -- \"$a\" || {{ echo \"fail2ban: $a is not in the sshd jail's ignoreip\" >&2; exit 1; }}; done");
        return commands;
    }

    /// <summary>fail2ban is installed and its server runs (its status lists jails).</summary>
    public static bool Runs(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.Commands.Contains("fail2ban-client") && (facts.Fail2Ban ?? string.Empty).Contains("Jail list:", StringComparison.Ordinal);
    }
}
