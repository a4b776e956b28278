namespace OecCloudFw.Testing.Servers;

/// <summary>
/// The real fail2ban (Debian's package, unpacked by test.sh into artifacts/fail2ban) running inside a test server, as
/// ../shared/recipes/fail2ban.md does it: its own filter for the test sshd's log, a jail on the real SSH port, the
/// nftables ban action (Debian 12's default), started in the foreground and detached.
/// </summary>
public static class Fail2BanInServer
{
    public static string Root => RepositoryRoot.Artifacts("fail2ban", "root");

    public static Task StartAsync(TestServer server, int sshPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var root = Root;
        return server.ExecAsync($$"""
            set -e
            [ -x {{root}}/usr/bin/fail2ban-server ] || { echo "fail2ban is not unpacked in {{root}}: run ./test.sh"; exit 1; }
            cp -r {{root}}/etc/fail2ban /etc/fail2ban
            mkdir -p /run/fail2ban /var/lib/fail2ban
            for n in server client; do
              printf '#!/bin/sh\nPYTHONPATH={{root}}/usr/lib/python3/dist-packages exec /usr/bin/python3 {{root}}/usr/bin/fail2ban-%s "$@"\n' "$n" > /usr/bin/fail2ban-$n
              chmod +x /usr/bin/fail2ban-$n
            done
            cat > /etc/fail2ban/filter.d/testsshd.conf <<'F'
            [Definition]
            failregex = ^Invalid user \S* from <HOST> port \d+$
                        ^Failed \S+ for (?:invalid user )?\S+ from <HOST> port \d+ ssh2
            F
            cat > /etc/fail2ban/jail.d/zz-test.local <<J
            [sshd]
            enabled = true
            port = {{sshPort}}
            filter = testsshd
            logpath = {{server.WorkDir}}/sshd.log
            backend = pyinotify
            datepattern = {NONE}
            usedns = no
            maxretry = 3
            ignoreself = false
            banaction = nftables
            J
            setsid fail2ban-server -f -x -s /run/fail2ban/fail2ban.sock -p /run/fail2ban/fail2ban.pid --logtarget /var/log/fail2ban.log > /dev/null 2>&1 < /dev/null &
            i=0; until fail2ban-client status sshd >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 200 ] && { tail -20 /var/log/fail2ban.log; exit 1; }; sleep 0.1; done
            sleep 1
            """, cancellationToken);
    }
}
