using System.Security.Cryptography;
using OecCloudFw.Core;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Security;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// A passphrase-protected key file no agent holds. Offered by its public key; decrypted only when the server accepts
/// that key and a signature is needed (as ssh asks for a passphrase only then), once per run.
/// </summary>
internal sealed class EncryptedKey(string path, string? certificate, SshConnectionOptions options) : IDisposable
{
    private readonly Lock _lock = new();
    private PrivateKeyFile? _key;

    public string Path => path;

    /// <summary>The algorithms to offer: the certificate's first (when there is one), then the plain key's.</summary>
    public IPrivateKeySource Source(byte[] publicBlob)
    {
        var algorithms = new List<HostAlgorithm>();
        if (certificate is not null && SshKeys.ReadPublicFile(certificate) is { } cert)
        {
            algorithms.AddRange(SshKeys.AlgorithmsFor(SshWire.KeyType(cert)).Select(a => new Deferred(a.Name, cert, this)));
        }

        algorithms.AddRange(SshKeys.AlgorithmsFor(SshWire.KeyType(publicBlob)).Select(a => new Deferred(a.Name, publicBlob, this)));
        return new AgentKey.Algorithms(algorithms);
    }

    /// <summary>The decrypted key: the passphrase from --passphrase-env, else asked on the terminal; else a clear error.</summary>
    public PrivateKeyFile Unlock()
    {
        lock (_lock)
        {
            if (_key is not null)
            {
                return _key;
            }

            var passphrase = options.Passphrase ?? options.PassphrasePrompt?.Invoke(path);
            if (string.IsNullOrEmpty(passphrase))
            {
                throw new InvalidInputException(
                    $"the key {path} is encrypted and no ssh-agent holds it: load it into the agent (ssh-add {path}), " +
                    "pass its passphrase with --passphrase-env VAR, or run on a terminal to be asked for it");
            }

            try
            {
                _key = new PrivateKeyFile(path, passphrase, certificate);
                return _key;
            }
            catch (Exception ex) when (ex is SshException or CryptographicException or FormatException or InvalidOperationException or IndexOutOfRangeException or ArgumentException)
            {
                throw new LayerFailureException(
                    $"the passphrase for {path} is wrong{(options.Passphrase is not null ? " (from --passphrase-env)" : string.Empty)}: check it, or load the key into ssh-agent", ex);
            }
        }
    }

    public void Dispose() => _key?.Dispose();

    /// <summary>One algorithm of the key: its public blob now, its signature after the key is unlocked.</summary>
    private sealed class Deferred(string name, byte[] blob, EncryptedKey key) : HostAlgorithm(name)
    {
        public override byte[] Data => blob;

        public override byte[] Sign(byte[] data) =>
            key.Unlock().HostKeyAlgorithms.FirstOrDefault(a => a.Name == Name)?.Sign(data)
            ?? throw new LayerFailureException($"the key {key.Path} does not sign with {Name}");

        public override bool VerifySignature(byte[] data, byte[] signature) => false;
    }
}
