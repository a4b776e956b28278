namespace OecCloudFw.Testing.Servers;

/// <summary>
/// sshd's log as a Debian or Ubuntu server writes it: the real rsyslog (Debian 12's package, unpacked by test.sh into
/// artifacts/rsyslog) inside a test server, its default file format (RFC 3339 time, host name, tag[pid]), auth and
/// authpriv to /var/log/auth.log; and sshd started again to log there under the name OpenSSH 9.8 and later log failed
/// logins with: <c>sshd-session</c> (the real sshd, run from a copy of its binary with that name: syslog's tag is the
/// program's own name). Lines then read <c>2026-12-07T07:00:00.123456+00:00 host sshd-session[123]: Invalid user …</c>.
/// </summary>
public static class RsyslogInServer
{
    public static string Root => RepositoryRoot.Artifacts("rsyslog", "root");

    /// <summary>The copy of sshd that logs as sshd-session (where OpenSSH 9.8+ keeps its per-connection binary).</summary>
    public const string SshdSession = "/usr/lib/openssh/sshd-session";

    public static Task StartAsync(TestServer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var root = Root;
        return server.ExecAsync($$"""
            set -e
            [ -x {{root}}/usr/sbin/rsyslogd ] || { echo "rsyslog is not unpacked in {{root}}: run ./test.sh"; exit 1; }
            mkdir -p /run/hostdev && mount --rbind /dev /run/hostdev
            mount -t tmpfs -o mode=755,size=1m serverdev /dev
            for n in null zero full random urandom tty; do touch /dev/$n; mount --bind /run/hostdev/$n /dev/$n; done
            mkdir -p /dev/pts /dev/shm && mount --rbind /run/hostdev/pts /dev/pts && ln -sf pts/ptmx /dev/ptmx && mount -t tmpfs -o mode=1777 shm /dev/shm
            ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
            mkdir -p /etc/rsyslog.d /var/spool/rsyslog
            cat > /etc/rsyslog.conf <<'CONF'
            module(load="imuxsock")
            $WorkDirectory /var/spool/rsyslog
            auth,authpriv.*  /var/log/auth.log
            CONF
            touch /var/log/auth.log
            LD_LIBRARY_PATH={{root}}/usr/lib/x86_64-linux-gnu setsid {{root}}/usr/sbin/rsyslogd -n -f /etc/rsyslog.conf -i /run/rsyslogd.pid -M {{root}}/usr/lib/x86_64-linux-gnu/rsyslog > /run/rsyslogd.out 2>&1 < /dev/null &
            i=0; until [ -S /dev/log ]; do i=$((i+1)); [ $i -gt 100 ] && { cat /run/rsyslogd.out; exit 1; }; sleep 0.05; done
            mkdir -p /usr/lib/openssh && cp /usr/sbin/sshd {{SshdSession}}
            kill "$(cat /run/sshd.pid)"; i=0; while [ -e /run/sshd.pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
            {{SshdSession}}
            i=0; until ss -Htlnp | grep -q sshd; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
            """, cancellationToken);
    }
}
