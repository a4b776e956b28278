using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// CSF is not packaged anywhere reachable from here: this SIMULATES it for the audit (its config, a csf command with
/// -v/-x/-e, its chains loaded with the real iptables, a running lfd), as the server tests' simulation does.
/// </summary>
internal static class CsfForAudit
{
    public static Task InstallAsync(TestServer server, CancellationToken cancellationToken) => server.ExecAsync("""
        mkdir -p /etc/csf && printf 'TESTING = "0"\n' > /etc/csf/csf.conf
        cp /bin/sleep /usr/sbin/lfd
        cat > /usr/sbin/csf <<'CSF'
        #!/bin/sh
        # Simulated ConfigServer Firewall (tests only).
        case "$1" in
          -v) echo "csf: v14.20 (generic)";;
          -x) touch /etc/csf/csf.disable; pkill -x lfd; iptables -F LOCALINPUT 2>/dev/null; iptables -D INPUT -j LOCALINPUT 2>/dev/null; iptables -X LOCALINPUT 2>/dev/null; iptables -P INPUT ACCEPT;;
          -e) rm -f /etc/csf/csf.disable; iptables -N LOCALINPUT; iptables -A INPUT -j LOCALINPUT; iptables -A INPUT -p tcp --dport 22 -j ACCEPT; iptables -P INPUT DROP; (setsid /usr/sbin/lfd 100000 >/dev/null 2>&1 &);;
        esac
        CSF
        chmod +x /usr/sbin/csf && /usr/sbin/csf -e
        """, cancellationToken);
}
