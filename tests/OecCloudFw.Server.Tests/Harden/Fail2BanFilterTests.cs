using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Harden;

namespace OecCloudFw.Server.Tests.Harden;

/// <summary>
/// fail2ban-filter.sh's answer as the tool reads it, and where harden's failed login of its own goes. The script itself
/// runs on a real server in Fail2BanProvenBanTests (sshd logging as sshd-session through the real rsyslog).
/// </summary>
public sealed class Fail2BanFilterTests
{
    // fail2ban-filter.sh's output on the test server of Fail2BanProvenBanTests after the override (copied from its run).
    private const string Proven =
        "OECFW-F2B matched=1 lines=1 filter=sshd[mode=normal] source=/var/log/auth.log override=yes\n" +
        "OECFW-F2B-LINE 2026-12-07T07:20:01.123456+00:00 srv sshd-session[411]: Invalid user oecfw-f2b-9-1796627201 from 127.0.0.1 port 40112\n";

    private static ServerFacts Facts(string listening, string? fail2Ban = null) => new()
    {
        Os = new OsInfo("debian", string.Empty, "Debian GNU/Linux 12 (bookworm)", "apt-get"),
        IsRoot = true,
        Commands = new HashSet<string>(["fail2ban-client"], StringComparer.Ordinal),
        Sshd = SshdSettings.Parse("port 22\npasswordauthentication no\n"),
        Connection = SshConnectionInfo.Parse("198.18.40.9 50000 198.18.40.2 22"),
        Listening = ListeningSocket.Parse(listening),
        Fail2Ban = fail2Ban,
    };

    [Fact]
    public void Parse_ProvenWithTheOverride_SaysWhatMatchedAndTheLine()
    {
        var proof = Fail2BanFilterProof.Parse(Proven)!;

        Assert.True(proof.Proven);
        Assert.False(proof.Misses);
        Assert.Equal(
            "fail2ban-regex: the sshd jail's filter sshd[mode=normal] matched 1 of 1 sshd failure line(s) in /var/log/auth.log (with oec-cloudfw's sshd-session override in filter.d), " +
            "last: \"2026-12-07T07:20:01.123456+00:00 srv sshd-session[411]: Invalid user oecfw-f2b-9-1796627201 from 127.0.0.1 port 40112\"",
            proof.Describe());
    }

    [Fact]
    public void Parse_NothingMatched_Misses_NoLines_DoesNot_NoResultLine_IsNull()
    {
        Assert.True(Fail2BanFilterProof.Parse("OECFW-F2B matched=0 lines=7 filter=sshd source=journal override=no\nOECFW-F2B-LINE x\n")!.Misses);
        var none = Fail2BanFilterProof.Parse("OECFW-F2B matched=0 lines=0 filter=sshd source=journal override=no\n")!;
        Assert.False(none.Misses);
        Assert.Equal("no sshd failure line in the journal to try fail2ban's sshd filter on", none.Describe());
        Assert.Null(Fail2BanFilterProof.Parse("fail2ban-filter: fail2ban-regex did not run\n"));
    }

    [Theory]
    [InlineData("LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))", "127.0.0.1")]
    [InlineData("LISTEN 0 128 [::]:22 [::]:* users:((\"sshd\",pid=1,fd=3))", "::1")]
    [InlineData("LISTEN 0 128 198.18.40.2:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))", "198.18.40.2")]
    public void TheFailedLoginOfItsOwn_GoesWhereSshdListens(string ss, string address) =>
        Assert.Equal(address, Fail2BanFilter.Address(Facts(ss), 22));

    [Fact]
    public void ProveCommands_PutTheShellcheckedScriptInPlace_ThenRunItOnTheSshPort()
    {
        var commands = Fail2BanFilter.ProveCommands(Facts("LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))"));

        Assert.StartsWith($"mkdir -p /var/lib/oec-cloudfw && printf '%s' '# oec-cloudfw: does fail2ban", commands[0], StringComparison.Ordinal);
        Assert.Equal($"sh {Fail2BanFilter.ScriptPath} prove 22 '127.0.0.1'", commands[1]);
    }

    [Fact]
    public void HostFacts_AFilterThatMisses_IsSaidInWords_OneThatMatches_IsNot()
    {
        var jail = "Status\n|- Number of jail:\t1\n`- Jail list:\tsshd\n[sshd]\nenabled = true\nport = 22\n";
        var misses = Facts(string.Empty, jail) with { Fail2BanFilter = Fail2BanFilterProof.Parse("OECFW-F2B matched=0 lines=3 filter=sshd source=/var/log/auth.log override=no\nOECFW-F2B-LINE l\n") };
        var proven = misses with { Fail2BanFilter = Fail2BanFilterProof.Parse(Proven) };

        Assert.Equal("fail2ban-regex: the sshd jail's filter sshd matched 0 of 3 sshd failure line(s) in /var/log/auth.log, last: \"l\"", HostFactsReader.Read(misses).Fail2BanFilterMisses);
        Assert.Null(HostFactsReader.Read(proven).Fail2BanFilterMisses);
    }
}
