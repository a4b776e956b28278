using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>
/// The SSH session --local runs in, as /proc shows it (a directory laid out like /proc): the process's own
/// SSH_CONNECTION, else the nearest parent's (sudo's env_reset drops it from the tool's own environment).
/// </summary>
public sealed class LocalSessionTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("oecfw-proc-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    [Fact]
    public void Connection_UnderSudo_FoundInTheLoginShellAboveSudo()
    {
        Process(300, "oec-cloudfw", 200, "SUDO_USER=ops");
        Process(200, "sudo", 100, "SUDO_USER=ops");
        Process(100, "sh (login) )", 50, "HOME=/home/ops", "SSH_CONNECTION=198.51.100.7 52144 203.0.113.20 22");
        Process(50, "sshd", 1);

        Assert.Equal("198.51.100.7 52144 203.0.113.20 22", LocalSession.Connection(null, 300, _proc));
        Assert.Equal("2001:db8::7 40000 2001:db8::1 2222", LocalSession.Connection("2001:db8::7 40000 2001:db8::1 2222", 300, _proc));
    }

    [Fact]
    public void Connection_MalformedValuesAreSkipped_NoSessionIsEmpty()
    {
        Process(300, "oec-cloudfw", 200);
        Process(200, "bash", 1, "SSH_CONNECTION=198.51.100.7 52144 203.0.113.20 22; reboot");

        Assert.Equal(string.Empty, LocalSession.Connection("$(reboot) 1 2.2.2.2 22", 300, _proc));
        Assert.Equal(string.Empty, LocalSession.Connection(null, 300, _proc));
        Assert.Equal(string.Empty, LocalSession.Connection(null, 999, _proc));
    }

    private void Process(int pid, string command, int parent, params string[] environment)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(dir, "stat"), $"{pid} ({command}) S {parent} {pid} {pid} 0 -1 4194560");
        File.WriteAllText(Path.Combine(dir, "environ"), string.Join('\0', environment) + "\0");
    }
}
