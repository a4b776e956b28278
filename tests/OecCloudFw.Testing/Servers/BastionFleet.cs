namespace OecCloudFw.Testing.Servers;

/// <summary>
/// One bastion and N servers behind it (one <see cref="BastionLink"/> each), every server reachable only through the
/// bastion and accepting the bastion's test key (<see cref="TestServer.ClientKey"/> of <see cref="Bastion"/>) as root.
/// Everything is torn down on dispose, and when starting fails halfway.
/// </summary>
public sealed class BastionFleet : IAsyncDisposable
{
    private readonly List<TestServer> _servers;

    private BastionFleet(List<TestServer> servers, IReadOnlyList<BastionLink> links)
    {
        _servers = servers;
        Links = links;
    }

    public TestServer Bastion => _servers[0];

    /// <summary>One link per server behind the bastion: <see cref="BastionLink.FarAddress"/> is where it is reached.</summary>
    public IReadOnlyList<BastionLink> Links { get; }

    /// <summary>The key every server of the fleet (and the bastion) accepts.</summary>
    public string Key => Bastion.ClientKey;

    public static async Task<BastionFleet> StartAsync(int targets, CancellationToken cancellationToken = default)
    {
        // A few at a time: the machine is shared.
        var servers = await ServerFleet.StartServersAsync(targets + 1, 4, cancellationToken);
        try
        {
            var links = new List<BastionLink>();
            foreach (var target in servers.Skip(1))
            {
                await BastionLink.AuthorizeAsync(target, servers[0].ClientKey + ".pub", cancellationToken);
                links.Add(await BastionLink.CreateAsync(servers[0], target, cancellationToken: cancellationToken));
            }

            return new BastionFleet(servers, links);
        }
        catch
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask()));
}
