using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.DigitalOcean.Tests.Fake;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Product;

/// <summary>The fake API, a fake clock, and the layer made the way the tool makes it: through the provider's registration.</summary>
internal sealed class TestBed : IAsyncDisposable
{
    public const long DropletId = 3164444;
    public const string ForeignId = "bb4b2611-3d72-467b-8602-280330ecd65c";

    private TestBed(DigitalOceanFake fake, FakeTimeProvider time)
    {
        Fake = fake;
        Time = time;
    }

    public DigitalOceanFake Fake { get; }

    public FakeTimeProvider Time { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>A droplet web-1 (public IPv4 and IPv6, a private address, tag web) and another, db-1; no firewall.</summary>
    public static async Task<TestBed> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var fake = await DigitalOceanFake.StartAsync(time);
        fake.AddDroplet(DropletId, "web-1", "198.51.100.10", "2001:db8:10::10", "10.110.0.2", "web");
        fake.AddDroplet(3164445, "db-1", "198.51.100.20", null, "10.110.0.3", "db");
        var bed = new TestBed(fake, time);
        bed.Environment[DigitalOceanProvider.TokenVariable] = DigitalOceanFake.ReadWriteToken;
        return bed;
    }

    /// <summary>Someone else's firewall on web-1: SSH and 5432 from the internet, HTTPS from a tag, outbound DNS.</summary>
    public void AddForeignFirewall() =>
        Fake.AddFirewall(new DoFirewall(ForeignId, "team-fw",
            [new DoRule("tcp", "22", DoTarget.Of("0.0.0.0/0", "::/0")), new DoRule("tcp", "5432", DoTarget.Of("0.0.0.0/0")), new DoRule("tcp", "443", new DoTarget([], [], ["db"], [], []))],
            [new DoRule("udp", "53", DoTarget.Of("0.0.0.0/0"))],
            [DropletId], []));

    public FirewallLayer Layer(string? droplet = null, string? firewall = null, string? token = null)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["endpoint-url"] = [Fake.Url.ToString()] };
        if (firewall is not null)
        {
            values["firewall"] = [firewall];
        }
        else
        {
            values["droplet"] = [droplet ?? DropletId.ToString(CultureInfo.InvariantCulture)];
        }

        if (token is not null)
        {
            Environment[DigitalOceanProvider.TokenVariable] = token;
        }

        var settings = new ProviderSettings(values, n => "--" + n);
        return (FirewallLayer)new DigitalOceanProvider().Create(settings, new ProviderContext(new Env(Environment), Time, ILayerReadCache.None));
    }

    /// <summary>Runs an operation that waits on the clock (status polling, retry-after), moving the fake clock on until it is done.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        var task = Task.Run(operation);
        while (!task.IsCompleted)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        return await task;
    }

    public ValueTask DisposeAsync() => Fake.DisposeAsync();

    private sealed class Env(Dictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
