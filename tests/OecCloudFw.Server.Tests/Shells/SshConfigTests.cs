using OecCloudFw.Core;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>
/// ssh_config resolved as ssh resolves it: by OpenSSH's own <c>ssh -G</c>, and by the built-in parser where ssh is
/// absent (the resolver built without an ssh executable). Each test uses its own home and an explicit config file
/// (-F), so the machine's ~/.ssh is never read.
/// </summary>
public sealed class SshConfigTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("oecfw-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void SshG_HostDefinedInAnIncludedFile_ResolvedWithEverySetting()
    {
        var config = WriteConfigWithInclude(absoluteInclude: true);
        var resolver = SshConfigResolver.ForMachine(_home, Environment.GetEnvironmentVariable("PATH"));

        var web = resolver.Resolve("web1", config, null, null);
        var other = resolver.Resolve("db1", config, 2200, "deploy");

        Assert.True(resolver.UsesOpenSsh);
        AssertWeb1(web);
        Assert.Equal("db1", other.HostName);
        Assert.Equal(2200, other.Port);
        Assert.Equal("deploy", other.User);
        Assert.True(other.DefaultIdentityFiles);
        Assert.Null(other.ProxyJump);
    }

    [Fact]
    public void SshG_MatchBlocksEvaluated_AsOnlyOpenSshCan()
    {
        var config = Write("config", "Match host web1\n  User matched\nHost *\n  User everyone\n");
        var resolver = SshConfigResolver.ForMachine(_home, Environment.GetEnvironmentVariable("PATH"));

        Assert.Equal("matched", resolver.Resolve("web1", config, null, null).User);
        Assert.Equal("everyone", resolver.Resolve("web2", config, null, null).User);
    }

    [Fact]
    public void SshG_BrokenConfig_BadInputQuotingSsh()
    {
        var config = Write("config", "Host web1\n  Port twenty\n");
        var resolver = SshConfigResolver.ForMachine(_home, Environment.GetEnvironmentVariable("PATH"));

        var ex = Assert.Throws<InvalidInputException>(() => resolver.Resolve("web1", config, null, null));

        Assert.Contains("ssh -G says", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fallback_WithoutSsh_IncludeRelativeToSshFolder_ResolvedAlike()
    {
        WriteConfigWithInclude(absoluteInclude: false);
        var resolver = new SshConfigResolver(_home, ssh: null);

        // No -F: the built-in parser reads $HOME/.ssh/config, and "Include conf.d/*.conf" is under $HOME/.ssh.
        var web = resolver.Resolve("web1", null, null, null);

        Assert.False(resolver.UsesOpenSsh);
        AssertWeb1(web);
    }

    [Theory]
    [InlineData("web1", "web1", null, null)]
    [InlineData("root@web1", "web1", "root", null)]
    [InlineData("web1:2222", "web1", null, 2222)]
    [InlineData("deploy@198.18.0.7:22", "198.18.0.7", "deploy", 22)]
    [InlineData("[::1]:2222", "::1", null, 2222)]
    [InlineData("root@[2001:2::7]:22", "2001:2::7", "root", 22)]
    [InlineData("2001:2::7", "2001:2::7", null, null)]
    [InlineData("ssh://bob@jump.example:2022", "jump.example", "bob", 2022)]
    public void Destination_UserHostPortForms_Parsed(string text, string host, string? user, int? port) =>
        Assert.Equal(new SshDestination(host, user, port), SshDestination.Parse(text, "--host"));

    [Theory]
    [InlineData("web1:0")]
    [InlineData("web1:65536")]
    [InlineData("web1:ssh")]
    [InlineData("[::1")]
    [InlineData("[::1]2222")]
    [InlineData("Root;id@web1")]
    [InlineData("-oProxyCommand=id")]
    [InlineData("web 1")]
    public void Destination_Malformed_BadInputNamingTheFlag(string text)
    {
        var ex = Assert.Throws<InvalidInputException>(() => SshDestination.Parse(text, "--host"));

        Assert.StartsWith($"--host '{text}'", ex.Message, StringComparison.Ordinal);
    }

    private void AssertWeb1(SshHostConfig web)
    {
        Assert.Equal("198.18.5.5", web.HostName);
        Assert.Equal(2200, web.Port);
        Assert.Equal("deploy", web.User);
        Assert.Equal([Path.Combine(_home, ".ssh", "k1"), Path.Combine(_home, ".ssh", "k2")], web.IdentityFiles);
        Assert.False(web.DefaultIdentityFiles);
        Assert.Equal([Path.Combine(_home, ".ssh", "k1-cert.pub")], web.CertificateFiles);
        Assert.True(web.IdentitiesOnly);
        Assert.Equal("none", web.IdentityAgent);
        Assert.Equal("/tmp/oecfw-kh", web.UserKnownHostsFile);
        Assert.Equal("accept-new", web.StrictHostKeyChecking);
        Assert.Equal(7, web.ConnectTimeout);
        Assert.Equal("bob@jump1:2022,jump2", web.ProxyJump);
        Assert.Null(web.ProxyCommand);
    }

    /// <summary>~/.ssh/config that includes conf.d/*.conf, where web1 is defined; a Host * default after it.</summary>
    private string WriteConfigWithInclude(bool absoluteInclude)
    {
        Directory.CreateDirectory(Path.Combine(_home, ".ssh", "conf.d"));
        Write(".ssh/conf.d/10-web.conf", """
            Host web1
              HostName 198.18.5.5
              Port 2200
              User deploy
              IdentityFile ~/.ssh/k1
              IdentityFile ~/.ssh/k2
              CertificateFile ~/.ssh/k1-cert.pub
              IdentitiesOnly yes
              IdentityAgent none
              UserKnownHostsFile /tmp/oecfw-kh
              StrictHostKeyChecking accept-new
              ConnectTimeout 7
              ProxyJump bob@jump1:2022,jump2
            """);
        var include = absoluteInclude ? Path.Combine(_home, ".ssh", "conf.d", "*.conf") : "conf.d/*.conf";
        return Write(".ssh/config", $"Include {include}\n\nHost *\n  User nobody\n  Port 22\n");
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_home, relative);
        File.WriteAllText(path, text);
        return path;
    }
}
