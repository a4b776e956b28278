using System.Security.Cryptography;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>accept-new under load: many connections of one run adding hosts at once.</summary>
public sealed class KnownHostsTests
{
    [Fact]
    public async Task AcceptNew_FortyParallelAdditions_EveryLineIntact_SshFolderMadePrivate()
    {
        var home = Directory.CreateTempSubdirectory("oecfw-kh-").FullName;
        try
        {
            var path = Path.Combine(home, ".ssh", "known_hosts");
            var keys = Enumerable.Range(1, 40).Select(i => (Host: $"198.18.7.{i}", Key: RandomNumberGenerator.GetBytes(51))).ToList();

            // Each host added twice at once: the second must find the first under the lock, not append again.
            await Task.WhenAll(keys.Concat(keys).Select(k => Task.Run(() => new KnownHosts(path).AddIfUnknown(k.Host, 22, "ssh-ed25519", k.Key), TestContext.Current.CancellationToken)));

            var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(40, lines.Length);
            Assert.Equal(keys.Select(k => $"{k.Host} ssh-ed25519 {Convert.ToBase64String(k.Key)}").Order(), lines.Order());
            Assert.All(keys, k => Assert.Equal(KnownHosts.Match.Known, new KnownHosts(path).Check(k.Host, 22, "ssh-ed25519", k.Key)));
            Assert.Equal("700", (await OecCloudFw.Testing.Servers.TestServer.Run("stat", ["-c", "%a", Path.Combine(home, ".ssh")], TestContext.Current.CancellationToken)).Stdout.Trim());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task AcceptNew_AnotherProcessAddingTheSameHostsUnderTheLockFile_OneLinePerHost()
    {
        var home = Directory.CreateTempSubdirectory("oecfw-kh-").FullName;
        try
        {
            var path = Path.Combine(home, "known_hosts");
            var keys = Enumerable.Range(1, 40).Select(i => (Host: $"198.18.8.{i}", Key: Convert.ToBase64String(RandomNumberGenerator.GetBytes(51)))).ToList();
            // The other process follows the same protocol with flock(1): the lock file, then check, then append.
            var script = string.Concat(keys.Select(k =>
                $"flock {path}.lock sh -c 'grep -q \"^{k.Host} \" {path} 2>/dev/null || echo \"{k.Host} ssh-ed25519 {k.Key}\" >> {path}'\n"));
            var other = OecCloudFw.Testing.Servers.TestServer.Run("sh", ["-c", script], TestContext.Current.CancellationToken);
            var ours = Task.WhenAll(keys.Select(k => Task.Run(() => new KnownHosts(path).AddIfUnknown(k.Host, 22, "ssh-ed25519", Convert.FromBase64String(k.Key)), TestContext.Current.CancellationToken)));
            await Task.WhenAll(other, ours);

            var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(keys.Select(k => $"{k.Host} ssh-ed25519 {k.Key}").Order(), lines.Order());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
