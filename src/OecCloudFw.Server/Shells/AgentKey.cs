using Renci.SshNet;
using Renci.SshNet.Security;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// One signature algorithm of a key held by ssh-agent, as SSH.NET's public key authentication wants it: the public
/// key (or certificate) blob, and a signature the agent makes.
/// </summary>
/// <param name="signWith">The key the agent holds: <paramref name="blob"/> itself, or the plain key of a certificate
/// read from a file (the agent finds a key only by its exact blob).</param>
internal sealed class AgentKey(string name, byte[] blob, byte[] signWith, SshAgentClient agent, uint flags) : HostAlgorithm(name)
{
    public override byte[] Data => blob;

    public override byte[] Sign(byte[] data) => agent.Sign(signWith, data, flags);

    /// <summary>Not used by a client: the server verifies.</summary>
    public override bool VerifySignature(byte[] data, byte[] signature) => false;

    /// <summary>
    /// The algorithms to offer for a key or certificate blob, best first: rsa-sha2-512 and rsa-sha2-256 for RSA (never
    /// ssh-rsa first), the key's own type otherwise (certificates as they are).
    /// </summary>
    public static IPrivateKeySource Source(byte[] blob, SshAgentClient agent, byte[]? signWith = null) => new Algorithms(SshKeys.AlgorithmsFor(SshWire.KeyType(blob))
        .Select(a => (HostAlgorithm)new AgentKey(a.Name, blob, signWith ?? blob, agent, a.Flags)).ToList());

    /// <summary>A set of algorithms as one key source.</summary>
    internal sealed class Algorithms(IReadOnlyCollection<HostAlgorithm> algorithms) : IPrivateKeySource
    {
        public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms => algorithms;
    }
}
