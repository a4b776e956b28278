using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// CSF is not packaged anywhere reachable from here, so this SIMULATES it faithfully enough for the tool: its files
/// (/etc/csf/csf.conf, /usr/sbin/csf), its real iptables chains (LOCALINPUT, ALLOWIN, DENYIN with a DROP policy)
/// loaded with the real iptables, a running "lfd" process, and a csf command whose -x removes its chains, stops lfd
/// and marks itself disabled like the real one, and whose -e brings them back.
/// </summary>
internal static class CsfSimulation
{
    public static Task InstallAsync(TestServer server, CancellationToken cancellationToken) => server.ExecAsync("""
        mkdir -p /etc/csf
        printf 'TESTING = "0"\nTCP_IN = "20,21,22,25,53,80,110,143,443"\n' > /etc/csf/csf.conf
        cp /bin/sleep /usr/sbin/lfd
        cat > /usr/sbin/csf <<'CSF'
        #!/bin/sh
        # Simulated ConfigServer Firewall (tests only).
        rules() {
          iptables -N LOCALINPUT 2>/dev/null; iptables -N ALLOWIN 2>/dev/null; iptables -N DENYIN 2>/dev/null
          iptables -A INPUT -j LOCALINPUT; iptables -A INPUT -j DENYIN; iptables -A INPUT -j ALLOWIN
          iptables -A ALLOWIN -p tcp --dport 22 -j ACCEPT
          iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
          iptables -P INPUT DROP
        }
        case "$1" in
          -v|--version) echo "csf: v14.20 (generic)";;
          -x|--disable)
            touch /etc/csf/csf.disable; pkill -x lfd
            iptables -P INPUT ACCEPT; iptables -F INPUT
            for c in LOCALINPUT ALLOWIN DENYIN; do iptables -F $c 2>/dev/null; iptables -X $c 2>/dev/null; done
            echo "csf and lfd have been disabled";;
          -e|--enable) rm -f /etc/csf/csf.disable; rules; (setsid /usr/sbin/lfd 100000 >/dev/null 2>&1 &); echo "csf and lfd have been enabled";;
          *) echo "usage: csf [-v|-x|-e]"; exit 1;;
        esac
        CSF
        chmod +x /usr/sbin/csf
        /usr/sbin/csf -e >/dev/null
        pgrep -x lfd >/dev/null
        """, cancellationToken);
}
