using System.Net.Sockets;
using OecCloudFw.Core;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// A client of ssh-agent over its unix socket (draft-miller-ssh-agent): lists the keys it holds and asks it to sign.
/// Private keys never leave the agent. One short connection per request, as a signature is asked for rarely.
/// </summary>
internal sealed class SshAgentClient(string socketPath)
{
    private const byte RequestIdentities = 11;
    private const byte IdentitiesAnswer = 12;
    private const byte SignRequest = 13;
    private const byte SignResponse = 14;

    /// <summary>SSH_AGENT_RSA_SHA2_256: an RSA key signs with rsa-sha2-256.</summary>
    public const uint RsaSha2256 = 2;

    /// <summary>SSH_AGENT_RSA_SHA2_512: an RSA key signs with rsa-sha2-512.</summary>
    public const uint RsaSha2512 = 4;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string SocketPath => socketPath;

    /// <summary>A key the agent holds: its public key (or certificate) blob and comment, in the agent's order.</summary>
    public sealed record Identity(byte[] Blob, string Comment)
    {
        public string KeyType => SshWire.KeyType(Blob);
    }

    /// <summary>The agent's keys; an agent that cannot be reached is reported, as ssh does, and counts as none.</summary>
    public IReadOnlyList<Identity> ListIdentities()
    {
        var answer = Exchange([RequestIdentities]);
        try
        {
            var reader = new SshWire(answer);
            if (reader.ReadByte() != IdentitiesAnswer)
            {
                throw new LayerFailureException($"the ssh-agent at {socketPath} refused to list its keys");
            }

            var count = reader.ReadUInt32();
            var identities = new List<Identity>();
            for (var i = 0; i < count; i++)
            {
                var identity = new Identity(reader.ReadBytes(), reader.ReadString());
                _ = identity.KeyType; // a blob that does not even name its type is a malformed answer
                identities.Add(identity);
            }

            return identities;
        }
        catch (FormatException ex)
        {
            throw new LayerFailureException($"the ssh-agent at {socketPath} sent a malformed list of keys", ex);
        }
    }

    /// <summary>The SSH signature blob (string algorithm, string signature) the agent makes over <paramref name="data"/>.</summary>
    public byte[] Sign(byte[] keyBlob, byte[] data, uint flags)
    {
        using var request = new MemoryStream();
        request.WriteByte(SignRequest);
        SshWire.WriteBytes(request, keyBlob);
        SshWire.WriteBytes(request, data);
        SshWire.WriteUInt32(request, flags);
        var answer = Exchange(request.ToArray());
        var reader = new SshWire(answer);
        return reader.ReadByte() == SignResponse
            ? reader.ReadBytes()
            : throw new LayerFailureException(
                $"the ssh-agent at {socketPath} refused to sign with the {SshWire.KeyType(keyBlob)} key (a key added with ssh-add -c waits for a confirmation; check the agent)");
    }

    private byte[] Exchange(byte[] message)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.SendTimeout = (int)Timeout.TotalMilliseconds;
            socket.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using (var frame = new MemoryStream())
            {
                SshWire.WriteBytes(frame, message);
                stream.Write(frame.ToArray());
            }

            var header = new byte[4];
            stream.ReadExactly(header);
            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length is 0 or > 256 * 1024)
            {
                throw new LayerFailureException($"the ssh-agent at {socketPath} sent a malformed answer");
            }

            var body = new byte[length];
            stream.ReadExactly(body);
            return body;
        }
        catch (Exception ex) when (ex is SocketException or IOException or FormatException)
        {
            throw new LayerFailureException($"cannot talk to the ssh-agent at {socketPath} ({ex.Message}): check SSH_AUTH_SOCK or IdentityAgent", ex);
        }
    }
}
