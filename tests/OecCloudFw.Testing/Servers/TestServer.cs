using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Testing.Servers;

/// <summary>
/// A real test server: its own network namespace (198.19.N.2, reached from 198.19.N.1 over a veth pair), mount
/// namespace (overlays over /etc, /var, /usr, /run, a fresh /root) and PID namespace, running a real sshd. Real ufw,
/// firewalld, iptables and nftables run inside it and never touch the host's firewall. Torn down on dispose.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private static int _nextIndex = 9;
    private readonly string _scripts;
    private bool _syslog;

    private TestServer(int index, string workDir, int initPid, string scripts)
    {
        Index = index;
        WorkDir = workDir;
        InitPid = initPid;
        _scripts = scripts;
    }

    public int Index { get; }

    public string WorkDir { get; }

    public int InitPid { get; }

    /// <summary>The server's address.</summary>
    public string Address => $"198.19.{Index}.2";

    /// <summary>The address the tests connect from (the host end of the veth pair).</summary>
    public string ClientAddress => $"198.19.{Index}.1";

    /// <summary>The private key authorized for root (and for users made with <see cref="AddUserAsync"/>).</summary>
    public string ClientKey => Path.Combine(WorkDir, "id_ed25519");

    /// <summary>A known_hosts file that holds the server's real host key.</summary>
    public string KnownHosts => Path.Combine(WorkDir, "known_hosts");

    public static async Task<TestServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var scripts = Path.Combine(AppContext.BaseDirectory, "Servers");
        var work = Directory.CreateTempSubdirectory("oecfw-server-").FullName;
        await Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", Path.Combine(work, "id_ed25519")], cancellationToken);
        File.Copy(Path.Combine(work, "id_ed25519.pub"), Path.Combine(work, "authorized_keys"));
        // Each start begins its search where the last one ended (taken indexes fail fast with 17): a fleet of N servers
        // started in parallel costs N tries, not N²/2.
        var first = Interlocked.Increment(ref _nextIndex);
        for (var tried = 0; tried < 240; tried++)
        {
            var index = 10 + ((first - 10 + tried) % 240);
            var (code, stdout, stderr) = await Run("sh", [Path.Combine(scripts, "testserver.sh"), "up", index.ToString(CultureInfo.InvariantCulture), work], cancellationToken, check: false);
            if (code == 17)
            {
                continue;
            }

            if (code != 0)
            {
                await Run("sh", [Path.Combine(scripts, "testserver.sh"), "down", index.ToString(CultureInfo.InvariantCulture)], CancellationToken.None, check: false);
                throw new InvalidOperationException($"test server {index} did not start: {stderr}{stdout}");
            }

            var server = new TestServer(index, work, int.Parse(stdout.Trim(), CultureInfo.InvariantCulture), scripts);
            var hostKey = (await File.ReadAllTextAsync(Path.Combine(work, "host_key.pub"), cancellationToken)).Split(' ');
            // The same key answers on the default port and on 2222 (the non-standard-port scenarios).
            await File.WriteAllTextAsync(server.KnownHosts, $"{server.Address} {hostKey[0]} {hostKey[1]}\n[{server.Address}]:2222 {hostKey[0]} {hostKey[1]}\n", cancellationToken);
            return server;
        }

        throw new InvalidOperationException("no free test server index");
    }

    /// <summary>SSH options for this server, as the tool would resolve them.</summary>
    public SshConnectionOptions Ssh(string user = "root", int port = 22, HostKeyPolicy policy = HostKeyPolicy.Strict, string? knownHosts = null) => new()
    {
        Host = Address,
        Port = port,
        User = user,
        IdentityFiles = [ClientKey],
        KnownHostsPath = knownHosts ?? KnownHosts,
        HostKeyPolicy = policy,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Whether a TCP connection from this machine (the operator's side of the test link) to the port completes within 2 s.</summary>
    public async Task<bool> ConnectsFromHostAsync(int port, CancellationToken cancellationToken = default)
    {
        using var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await tcp.ConnectAsync(Address, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs a script as root inside the server (its mount, PID and network namespaces) for test setup and checks.</summary>
    public async Task<string> ExecAsync(string script, CancellationToken cancellationToken = default)
    {
        var (code, stdout, stderr) = await TryExecAsync(script, cancellationToken);
        return code == 0 ? stdout : throw new InvalidOperationException($"test server {Index}: exit {code}: {stderr}{stdout}\nscript: {script}");
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> TryExecAsync(string script, CancellationToken cancellationToken = default) =>
        Run("nsenter", ["-t", InitPid.ToString(CultureInfo.InvariantCulture), "-m", "-p", "-n", "--", "sh", "-c", script], cancellationToken, check: false);

    /// <summary>Connections sshd accepted so far (from its log).</summary>
    public int AcceptedLogins =>
        File.Exists(Path.Combine(WorkDir, "sshd.log"))
            ? File.ReadAllLines(Path.Combine(WorkDir, "sshd.log")).Count(l => l.StartsWith("Accepted ", StringComparison.Ordinal))
            : 0;

    /// <summary>Starts the server's own system D-Bus and firewalld, and waits until firewalld answers.</summary>
    public Task StartFirewalldAsync(CancellationToken cancellationToken = default) => ExecAsync("""
        mkdir -p /run/dbus && dbus-daemon --system --fork
        setsid firewalld --nofork --nopid > /run/firewalld.log 2>&1 < /dev/null &
        i=0; until firewall-cmd --state >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 300 ] && { cat /run/firewalld.log; exit 1; }; sleep 0.1; done
        """, cancellationToken);

    /// <summary>
    /// sshd logs through syslog into /var/log/auth.log, as on a Debian or Ubuntu server with rsyslog: the server gets a
    /// private /dev (the host's devices bound in, nothing created on the host) whose /dev/log a real syslogd (busybox's)
    /// serves, and sshd is restarted without its own log file (<see cref="AcceptedLogins"/> then counts nothing).
    /// </summary>
    public async Task UseSyslogAsync(CancellationToken cancellationToken = default)
    {
        await ExecAsync("""
            set -e
            mkdir -p /run/hostdev && mount --rbind /dev /run/hostdev
            mount -t tmpfs -o mode=755,size=1m serverdev /dev
            for n in null zero full random urandom tty; do touch /dev/$n; mount --bind /run/hostdev/$n /dev/$n; done
            mkdir -p /dev/pts /dev/shm && mount --rbind /run/hostdev/pts /dev/pts && ln -sf pts/ptmx /dev/ptmx && mount -t tmpfs -o mode=1777 shm /dev/shm
            ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
            touch /var/log/auth.log
            busybox syslogd -S -O /var/log/auth.log
            i=0; until [ -S /dev/log ]; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
            """, cancellationToken);
        _syslog = true;
        await RestartSshdAsync(cancellationToken);
    }

    /// <summary>
    /// sshd socket-activated, as on Ubuntu 22.10+, simulated because the test servers have no systemd: the sshd daemon
    /// stops; a listener (sshsocket.py) holds the SSH port and starts the real sshd in inetd mode for each connection;
    /// a <c>systemctl</c> ahead of the real one on PATH answers for ssh.socket only (is-active, show -p Listen,
    /// daemon-reload, restart), its ports read from ssh.socket.d's ListenStream lines; /run/systemd/system and the
    /// sockets.target.wants link make the server look systemd-run to the tool.
    /// </summary>
    public Task UseSocketActivatedSshAsync(CancellationToken cancellationToken = default) => ExecAsync($"""
        set -e
        mkdir -p /usr/local/bin /run/systemd/system /etc/systemd/system/sockets.target.wants
        sed 's|^SCRIPTS=.*|SCRIPTS={_scripts}|' {_scripts}/systemctl-sshsocket.sh > /usr/local/bin/systemctl && chmod 755 /usr/local/bin/systemctl
        printf "[Socket]\\nListenStream=22\\n" > /etc/systemd/system/sockets.target.wants/ssh.socket
        kill "$(cat /run/sshd.pid)"; i=0; while [ -e /run/sshd.pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
        /usr/local/bin/systemctl restart ssh.socket
        """, cancellationToken);

    /// <summary>Restarts sshd after a config change (it re-reads sshd_config and its drop-ins).</summary>
    public Task RestartSshdAsync(CancellationToken cancellationToken = default) => ExecAsync($"""
        kill "$(cat /run/sshd.pid)"; i=0; while [ -e /run/sshd.pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
        /usr/sbin/sshd {(_syslog ? string.Empty : $"-E {WorkDir}/sshd.log")}
        i=0; until ss -Htlnp | grep -q sshd; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
        """, cancellationToken);

    /// <summary>Adds a user that logs in with the test key, optionally with passwordless sudo.</summary>
    public Task AddUserAsync(string user, bool sudo, CancellationToken cancellationToken = default) => ExecAsync($"""
        useradd -m -s /bin/sh {user}
        mkdir -p /home/{user}/.ssh && cp /root/.ssh/authorized_keys /home/{user}/.ssh/ && chown -R {user}: /home/{user}/.ssh && chmod 700 /home/{user}/.ssh
        {(sudo ? $"echo '{user} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/{user} && chmod 440 /etc/sudoers.d/{user}" : "true")}
        """, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Run("sh", [Path.Combine(_scripts, "testserver.sh"), "down", Index.ToString(CultureInfo.InvariantCulture), InitPid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None, check: false);
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> Run(string file, string[] args, CancellationToken cancellationToken, bool check = true)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var result = (process.ExitCode, await stdout, await stderr);
        return check && result.ExitCode != 0 ? throw new InvalidOperationException($"{file} failed: {result.Item3}") : result;
    }
}
