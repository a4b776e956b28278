using System.Globalization;

namespace OecCloudFw.Testing.Servers;

/// <summary>
/// The real Docker engine (Debian's docker.io, installed by test.sh but never started on this machine) running inside
/// a test server, as ../shared/recipes/docker.md does it: cgroup v1 hierarchies mounted in the server's private mount
/// namespace, dockerd with the vfs driver, an image imported from a local tar holding the static busybox, containers
/// publishing ports with <c>docker run -p</c>. Docker writes its real DNAT, DOCKER and DOCKER-USER chains in the
/// server's network namespace only. Dispose before the server: it removes the containers, stops dockerd and removes
/// the cgroup folders that cgroup v1 leaves machine-wide.
/// </summary>
public sealed class DockerInServer : IAsyncDisposable
{
    private const string Docker = "/usr/bin/docker -H unix:///run/docker.sock";

    private readonly TestServer _server;

    private DockerInServer(TestServer server) => _server = server;

    public static Task<DockerInServer> StartAsync(TestServer server, CancellationToken cancellationToken = default) => StartAsync(server, string.Empty, cancellationToken);

    /// <summary>Starts dockerd with <paramref name="options"/> added (validated words, e.g. <c>--firewall-backend=nftables --bip 198.18.201.1/24</c>).</summary>
    public static async Task<DockerInServer> StartAsync(TestServer server, string options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var docker = new DockerInServer(server);
        try
        {
            await server.ExecAsync($$"""
                set -e
                [ -x /usr/sbin/dockerd ] && [ -x /bin/busybox ] || { echo "docker.io and busybox-static are not installed: run ./test.sh as root"; exit 1; }
                mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup
                for c in cpu cpuacct cpuset memory devices freezer blkio pids; do mkdir /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c; done
                mkdir /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
                setsid /usr/sbin/dockerd --storage-driver vfs --data-root /var/lib/docker --exec-root /run/docker --pidfile /run/docker.pid -H unix:///run/docker.sock {{options}} > {{server.WorkDir}}/dockerd.log 2>&1 < /dev/null &
                i=0; until {{Docker}} version >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 300 ] && { tail -20 {{server.WorkDir}}/dockerd.log; exit 1; }; sleep 0.1; done
                t=$(mktemp -d); mkdir -p $t/bin $t/www; cp /bin/busybox $t/bin/busybox; echo published > $t/www/index.html
                tar -C $t -cf $t.tar bin www
                {{Docker}} import $t.tar local/busybox:1 >/dev/null
                rm -rf $t $t.tar
                """, cancellationToken);
        }
        catch
        {
            await docker.DisposeAsync();
            throw;
        }

        return docker;
    }

    /// <summary>Runs a container serving HTTP on <paramref name="port"/> and publishes it on the same host port (<c>-p port:port</c>).</summary>
    public async Task<string> PublishAsync(int port, CancellationToken cancellationToken = default)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        var id = await _server.ExecAsync($"{Docker} run -d -p {p}:{p} local/busybox:1 /bin/busybox httpd -f -p {p} -h /www", cancellationToken);
        return id.Trim();
    }

    /// <summary>Restarts the container: Docker rewrites its chains (and the container may get another address).</summary>
    public Task RestartAsync(string container, CancellationToken cancellationToken = default) =>
        _server.ExecAsync($"{Docker} restart -t 0 {container} >/dev/null", cancellationToken);

    /// <summary>Restarts dockerd itself (it rebuilds its chains; DOCKER-USER is the operator's and is kept), and waits until it answers and its containers run again.</summary>
    public Task RestartDaemonAsync(CancellationToken cancellationToken = default) => _server.ExecAsync($$"""
        kill $(cat /run/docker.pid); i=0; while [ -e /run/docker.pid ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
        setsid /usr/sbin/dockerd --storage-driver vfs --data-root /var/lib/docker --exec-root /run/docker --pidfile /run/docker.pid -H unix:///run/docker.sock >> {{_server.WorkDir}}/dockerd.log 2>&1 < /dev/null &
        i=0; until {{Docker}} version >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 300 ] && exit 1; sleep 0.1; done
        ids=$({{Docker}} ps -aq); [ -n "$ids" ] && {{Docker}} start $ids >/dev/null
        i=0; until iptables -t nat -S DOCKER 2>/dev/null | grep -q DNAT; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done
        # The test servers have no systemd: what docker.service's drop-ins run after each start (ExecStartPost) is run
        # here the way systemd would, once the daemon answers (a leading '-' ignores its failure, as systemd does).
        for f in /etc/systemd/system/docker.service.d/*.conf; do
          [ -f "$f" ] || continue
          sed -n 's/^ExecStartPost=-\{0,1\}//p' "$f" | while IFS= read -r command; do sh -c "$command"; done
        done
        true
        """, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _server.TryExecAsync($$"""
            if [ -S /run/docker.sock ]; then
              ids=$({{Docker}} ps -aq 2>/dev/null); [ -n "$ids" ] && {{Docker}} rm -f $ids >/dev/null 2>&1
              [ -s /run/docker.pid ] && kill $(cat /run/docker.pid) 2>/dev/null
              i=0; while [ -e /run/docker.pid ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
            fi
            for d in /sys/fs/cgroup/*/docker; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null; done
            true
            """, CancellationToken.None);
    }
}
