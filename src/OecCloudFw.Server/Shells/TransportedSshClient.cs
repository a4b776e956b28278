using Renci.SshNet;

namespace OecCloudFw.Server.Shells;

/// <summary>An SSH client that owns the transport it was connected over: disposing it closes the hops and the proxy too.</summary>
internal sealed class TransportedSshClient(ConnectionInfo connectionInfo, SshTransport transport) : SshClient(connectionInfo)
{
    public SshTransport Transport => transport;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            transport.Dispose();
        }
    }
}
