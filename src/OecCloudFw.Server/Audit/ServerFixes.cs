using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Audit;

/// <summary>The server layer's fix for a finding, as data with the exact commands for the frontend that is active on it.</summary>
public static class ServerFixes
{
    /// <param name="kind">What the fix does (the server kinds only; the cloud kinds belong to the cloud adapter).</param>
    /// <param name="port">The port.</param>
    /// <param name="sources">The policy's sources for it.</param>
    /// <param name="where">How the tool reaches the server: "--host h" or "--local".</param>
    /// <param name="facts">The server as read.</param>
    public static IReadOnlyList<Fix> Fixes(FixKind kind, int port, IReadOnlyList<Cidr> sources, string where, ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var commands = For(kind, port, sources, where, facts);
        if (commands.Count == 0)
        {
            return [];
        }

        var resource = kind switch
        {
            FixKind.ServerHarden => "sshd",
            FixKind.ServerFail2Ban or FixKind.ServerFail2BanFilter => "fail2ban",
            FixKind.ServerDocker => "docker",
            _ => Configure.ConfigurePlanner.Filtering(facts),
        };
        return [new Fix(kind, "server", port, [.. sources.Where(s => !s.IsInternet)], commands) { Resource = resource }];
    }

    /// <param name="kind">What the fix does (the server kinds only; the cloud kinds belong to the cloud adapter).</param>
    /// <param name="port">The port.</param>
    /// <param name="sources">The policy's sources for it.</param>
    /// <param name="where">How the tool reaches the server: "--host h" or "--local".</param>
    /// <param name="facts">The server as read.</param>
    internal static IReadOnlyList<string> For(FixKind kind, int port, IReadOnlyList<Cidr> sources, string where, ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(facts);
        var frontend = Configure.ConfigurePlanner.Filtering(facts);
        var management = string.Concat(sources.Where(s => !s.IsInternet).Select(s => $" --ssh-source {s}"));
        return kind switch
        {
            FixKind.ServerOpen => [$"oec-cloudfw server configure {where}{management}"],
            FixKind.ServerEgress => frontend switch
            {
                "ufw" => [$"ufw allow out {port}/tcp"],
                "firewalld" => [$"firewall-cmd --permanent --direct --add-rule ipv4 filter OUTPUT 0 -p tcp --dport {port} -j ACCEPT && firewall-cmd --reload"],
                "nftables" => [$"nft insert rule inet filter output tcp dport {port} accept (in the table and output chain that drops it)"],
                _ => [$"iptables -I OUTPUT -p tcp --dport {port} -j ACCEPT && ip6tables -I OUTPUT -p tcp --dport {port} -j ACCEPT"],
            },
            FixKind.ServerRestrict => [$"oec-cloudfw server configure {where}{(management.Length > 0 ? management : " --ssh-source <management-ip>/32")}"],
            FixKind.ServerClose => frontend switch
            {
                "ufw" => [$"ufw deny {port}/tcp"],
                "firewalld" => [$"firewall-cmd --permanent --remove-port={port}/tcp && firewall-cmd --reload"],
                "iptables" => [$"iptables -I INPUT -p tcp --dport {port} -j DROP && ip6tables -I INPUT -p tcp --dport {port} -j DROP"],
                _ => [$"oec-cloudfw server configure {where}"],
            },
            // harden proves a key login in a new SSH session: over --local it names the server instead.
            // One fix for both sshd findings: harden, or by hand the one drop-in it writes (00-: sshd keeps the first value it
            // reads, so it wins over 50-cloud-init.conf), checked with sshd -t and sshd -T, then sshd reloaded.
            FixKind.ServerHarden => [Harden(where), .. HardenByHand(facts)],
            FixKind.ServerFail2Ban => [Harden(where), $"apt-get install -y fail2ban && printf '[sshd]\\nenabled = true\\nport = {string.Join(",", facts.SshPorts)}\\n' > {Server.Harden.Fail2BanJail.JailFile} && systemctl restart fail2ban"],
            FixKind.ServerFail2BanFilter => [Harden(where), "printf '[DEFAULT]\\n_daemon = sshd(?:-session)?\\n\\n[Init]\\njournalmatch = _SYSTEMD_UNIT=sshd.service + _SYSTEMD_UNIT=ssh.service + _COMM=sshd + _COMM=sshd-session\\n' > /etc/fail2ban/filter.d/sshd.local && systemctl restart fail2ban"],
            // configure writes DOCKER-USER (or, on Docker's nftables backend, its own table ahead of Docker's forward chain); by hand:
            FixKind.ServerDocker => [$"oec-cloudfw server configure {where}{management}",
                facts.DockerFirewall.Nftables
                    ? $"nft add table inet oecfw-docker; nft add chain inet oecfw-docker forward '{{ type filter hook forward priority -1; }}'; nft add rule inet oecfw-docker forward meta l4proto tcp ct original proto-dst {port} ct state new drop (a chain before Docker's filter-FORWARD; or publish the port on 127.0.0.1 only: -p 127.0.0.1:{port}:{port})"
                    : $"iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport {port} -j DROP (or publish the port on 127.0.0.1 only: -p 127.0.0.1:{port}:{port})"],
            _ => [],
        };
    }

    // harden proves a key login in a new SSH session: over --local it names the server instead.
    private static string Harden(string where) => $"oec-cloudfw server harden {(where == "--local" ? "--host <this server>" : where)}";

    private static IReadOnlyList<string> HardenByHand(ServerFacts facts)
    {
        var commands = Server.Harden.SshHardening.Plan(facts, Server.Harden.RootLogin.ProhibitPassword);
        return commands.Count == 0 ? [] : [string.Join(" && ", commands)];
    }
}
