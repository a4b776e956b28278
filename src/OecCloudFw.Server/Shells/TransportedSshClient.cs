using Renci.SshNet;

namespace OecCloudFw.Server.Shells;

/// <summary>An SSH client that owns the transport it was connected over: disposing it closes the hops and the proxy too.</summary>
internal sealed class TransportedSshClient(ConnectionInfo connectionInfo, SshTransport transport) : SshClient(connectionInfo)
{
    public SshTransport Transport => transport;

    /// <summary>
    /// A direct connection's first exchange: from the TCP connect to the server's identification line (one network
    /// round trip, the server's accept and its banner: at least the round-trip time). Null through a jump or a proxy.
    /// </summary>
    public TimeSpan? FirstExchange { get; set; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            transport.Dispose();
        }
    }
}
