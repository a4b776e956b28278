namespace OecCloudFw.Testing.Servers;

/// <summary>
/// The real fail2ban (Debian's package, unpacked by test.sh into artifacts/fail2ban) running inside a test server, as
/// ../shared/recipes/fail2ban.md does it: its own filter for the test sshd's log, a jail on the real SSH port, the
/// nftables ban action (Debian 12's default), started in the foreground and detached.
/// </summary>
public static class Fail2BanInServer
{
    public static string Root => RepositoryRoot.Artifacts("fail2ban", "root");

    /// <summary>
    /// What installing Debian 12's fail2ban package leaves (its /etc/fail2ban as shipped, the commands on PATH), from
    /// the unpacked package; nothing started.
    /// </summary>
    public static string InstallScript
    {
        get
        {
            var root = Root;
            return $$"""
                [ -x {{root}}/usr/bin/fail2ban-server ] || { echo "fail2ban is not unpacked in {{root}}: run ./test.sh"; exit 1; }
                cp -r {{root}}/etc/fail2ban /etc/fail2ban
                mkdir -p /run/fail2ban /var/lib/fail2ban
                for n in server client regex; do
                  printf '#!/bin/sh\nPYTHONPATH={{root}}/usr/lib/python3/dist-packages exec /usr/bin/python3 {{root}}/usr/bin/fail2ban-%s "$@"\n' "$n" > /usr/bin/fail2ban-$n
                  chmod +x /usr/bin/fail2ban-$n
                done
                """;
        }
    }

    /// <summary>
    /// The server's package manager, offline: an <c>apt-get</c> ahead of the real one on PATH that logs its arguments
    /// to /run/apt-get.log and, for <c>install … fail2ban</c>, installs the real fail2ban package (unpacked) as
    /// <see cref="InstallScript"/> does; anything else fails as apt-get does with no network.
    /// </summary>
    public static Task OfflineAptGetAsync(TestServer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.ExecAsync($$"""
            set -e
            mkdir -p /usr/local/sbin
            cat > /usr/local/sbin/apt-get <<'APT'
            #!/bin/sh
            echo "$*" >> /run/apt-get.log
            case " $* " in
              *" install "*" fail2ban"*) ;;
              *) echo "E: Unable to fetch some archives (offline test server)" >&2; exit 100 ;;
            esac
            {{InstallScript}}
            APT
            chmod 755 /usr/local/sbin/apt-get
            """, cancellationToken);
    }

    public static Task StartAsync(TestServer server, int sshPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.ExecAsync($$"""
            set -e
            {{InstallScript}}
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
