using OecCloudFw.Server.Facts;
using OecCloudFw.Server.SshPort;

namespace OecCloudFw.Server.Tests.SshPort;

/// <summary>
/// The move's commands where the test servers cannot go: a socket-activated sshd (Ubuntu 22.10+, systemd's ssh.socket,
/// where a Port line is ignored) and firewalld's zones. The running cases (sshd, UFW, fail2ban) are SshPortTests'.
/// </summary>
public sealed class SshPortCommandsTests
{
    private static ServerFacts Facts(IReadOnlyList<int> socketPorts) => new()
    {
        Os = new OsInfo("ubuntu", "debian", "Ubuntu 24.04", "apt-get"),
        IsRoot = true,
        Commands = new HashSet<string>(["ufw", "systemctl", "sshd"], StringComparer.Ordinal),
        Sshd = SshdSettings.Parse("port 22\n"),
        SocketPorts = socketPorts,
    };

    [Fact]
    public void SocketActivated_ListenStreamOverride_ResetThenEveryPort_ThenTheSocketRestarted()
    {
        var commands = SshPortCommands.Listen(Facts([22]), [22, 2222]);

        var socket = Assert.Single(commands, c => c.Contains(SshPortCommands.SocketDropIn, StringComparison.Ordinal));
        Assert.Contains("[Socket]\nListenStream=\nListenStream=22\nListenStream=2222\n", socket, StringComparison.Ordinal);
        Assert.EndsWith("systemctl daemon-reload && systemctl restart ssh.socket", socket, StringComparison.Ordinal);
        Assert.DoesNotContain(commands, c => c.Contains("kill -HUP", StringComparison.Ordinal));
        // The sshd_config drop-in is written too (ssh.service started without the socket reads it).
        Assert.Contains(commands, c => c.Contains("Port 22\nPort 2222\n", StringComparison.Ordinal));
    }

    [Fact]
    public void NotSocketActivated_SshdReloaded_NoSocketOverride()
    {
        var commands = SshPortCommands.Listen(Facts([]), [2222], closed: 22);

        Assert.DoesNotContain(commands, c => c.Contains("ssh.socket", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("kill -HUP", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("*\" 22 \"*) ok=0", StringComparison.Ordinal));
    }

    [Fact]
    public void Firewalld_RemovesThePortAndTheSshService_InEveryZoneThatHasThem_ThenReloads()
    {
        var facts = Facts([]) with
        {
            FirewalldRunning = true,
            FirewalldZones = FirewalldZone.Parse("public (active)\n  target: default\n  interfaces: eth0\n  sources: \n  services: ssh http\n  ports: 22/tcp 8080/tcp\n  rich rules: \n"),
        };

        var (commands, leftOpen) = SshPortCommands.Close(facts, "firewalld", 22);

        Assert.Equal(
            ["firewall-cmd --permanent --zone='public' --remove-port=22/tcp", "firewall-cmd --permanent --zone='public' --remove-service=ssh", "firewall-cmd --reload"],
            commands);
        Assert.Empty(leftOpen);
    }

    [Fact]
    public void Iptables_OnlyTheToolsOwnRulesForThePort_SomeoneElsesReported()
    {
        var facts = Facts([]) with
        {
            Commands = new HashSet<string>(["iptables", "ip6tables"], StringComparer.Ordinal),
            IptablesSave4 = "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -m comment --comment SSH -j ACCEPT\n-A INPUT -s 198.18.9.0/24 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n",
        };

        var (commands, leftOpen) = SshPortCommands.Close(facts, "iptables", 22);

        Assert.Equal(3, commands.Count);
        Assert.StartsWith("iptables-save | grep -E '^-A INPUT( -s [0-9a-fA-F.:/]+)? -p tcp( -m tcp)? --dport 22 -m comment --comment (SSH|\"SSH from elsewhere\") -j (ACCEPT|DROP)$'", commands[0], StringComparison.Ordinal);
        Assert.Contains("iptables-save > /etc/iptables/rules.v4", commands[2], StringComparison.Ordinal);
        Assert.Contains("198.18.9.0/24", Assert.Single(leftOpen), StringComparison.Ordinal);
    }
}
