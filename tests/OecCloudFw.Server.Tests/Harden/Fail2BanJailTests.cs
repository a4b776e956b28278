using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Harden;

namespace OecCloudFw.Server.Tests.Harden;

/// <summary>
/// The jail as written for servers the test servers cannot be (systemd's journal without auth.log, as on Debian 12;
/// no log at all; firewalld and nftables hosts). The running case (auth.log, UFW, a real ban) is ServerHardenTests'.
/// </summary>
public sealed class Fail2BanJailTests
{
    private static ServerFacts Facts(SshLogSource log, params string[] commands) => new()
    {
        Os = new OsInfo("debian", string.Empty, "Debian GNU/Linux 12 (bookworm)", "apt-get"),
        IsRoot = true,
        Commands = new HashSet<string>(commands, StringComparer.Ordinal),
        Sshd = SshdSettings.Parse("port 22\nport 2222\npasswordauthentication no\npermitrootlogin without-password\n"),
        Connection = SshConnectionInfo.Parse("198.18.40.9 50000 198.18.40.2 2222"),
        SshLog = log,
    };

    [Fact]
    public void Debian12_JournalOnly_UsesTheSystemdBackend_AndInstallsItsBindings()
    {
        var facts = Facts(new SshLogSource(null, Journal: true), "iptables");

        var text = Fail2BanJail.JailText(facts, "iptables", []);
        var plan = Fail2BanJail.Plan(facts, "iptables", []);

        Assert.Contains("backend = systemd\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("logpath", text, StringComparison.Ordinal);
        Assert.Contains("port = 22,2222\n", text, StringComparison.Ordinal);
        Assert.StartsWith("DEBIAN_FRONTEND=noninteractive apt-get install -y -q fail2ban python3-systemd", plan[0], StringComparison.Ordinal);
    }

    [Fact]
    public void NoLogToRead_FailsBeforeAnyChange()
    {
        var error = Assert.Throws<LayerFailureException>(() => Fail2BanJail.Plan(Facts(SshLogSource.None, "fail2ban-client"), "ufw", []));
        Assert.Contains("sshd's log cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ufw", "ufw")]
    [InlineData("firewalld", "firewallcmd-rich-rules")]
    [InlineData("nftables", "nftables-multiport")]
    [InlineData("iptables", "iptables-multiport")]
    public void TheBanGoesThroughTheFrontendThatFilters(string frontend, string action) =>
        Assert.Contains($"banaction = {action}\n", Fail2BanJail.JailText(Facts(new SshLogSource("/var/log/secure", false)), frontend, []), StringComparison.Ordinal);

    [Fact]
    public void TheOperatorAndTheManagementSourcesAreNeverBanned_TheInternetIsNotAManagementSource()
    {
        var ignore = Fail2BanJail.IgnoreList(Facts(SshLogSource.None), [Cidr.Parse("198.19.0.0/16"), Cidr.Parse("0.0.0.0/0")]);

        Assert.Equal(["127.0.0.1/8", "::1", "198.18.40.9", "198.19.0.0/16"], ignore);
    }

    [Fact]
    public void NotInstalled_NoPackageManager_FailsBeforeAnyChange()
    {
        var facts = Facts(new SshLogSource("/var/log/auth.log", false)) with { Os = new OsInfo("alpine", string.Empty, "Alpine", "none") };
        Assert.Throws<LayerFailureException>(() => Fail2BanJail.Plan(facts, "iptables", []));
    }
}
