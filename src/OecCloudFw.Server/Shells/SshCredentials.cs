using OecCloudFw.Core;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// How the tool proves who it is, as ssh does: the agent's keys in the agent's order (a key also named by IdentityFile
/// is used through the agent, never decrypted; with IdentitiesOnly only those), then the identity files the agent does
/// not hold, each with its certificate (CertificateFile, KEY-cert.pub), then the password. Built once per server, so
/// a second connection of the run (the lockout proof) asks nothing again.
/// </summary>
internal sealed class SshCredentials : IDisposable
{
    private readonly List<IPrivateKeySource> _keys = [];
    private readonly List<IDisposable> _owned = [];
    private readonly string? _password;

    private SshCredentials(string? password) => _password = password;

    /// <summary>What was offered, for messages: the agent's key count and the files.</summary>
    public string Summary { get; private set; } = string.Empty;

    public static SshCredentials For(SshConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var credentials = new SshCredentials(options.Password);
        try
        {
            credentials.Build(options);
            return credentials;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            credentials.Dispose();
            throw new InvalidInputException($"cannot read a key file for {options.Target} ({ex.Message}): check its permissions", ex);
        }
        catch (FormatException ex)
        {
            // A .pub or -cert.pub whose contents are not an SSH key (truncated, edited): the operator's file, not a bug.
            credentials.Dispose();
            throw new InvalidInputException($"a key or certificate file for {options.Target} is malformed ({ex.Message}): check the .pub and -cert.pub files beside the key, and CertificateFile", ex);
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
    }

    /// <summary>Fresh authentication methods for one connection.</summary>
    public AuthenticationMethod[] Methods(string user)
    {
        var methods = new List<AuthenticationMethod>();
        if (_keys.Count > 0)
        {
            methods.Add(new PrivateKeyAuthenticationMethod(user, [.. _keys]));
        }

        if (_password is not null)
        {
            methods.Add(new PasswordAuthenticationMethod(user, _password));
        }

        return [.. methods];
    }

    public bool IsEmpty => _keys.Count == 0 && _password is null;

    private void Build(SshConnectionOptions options)
    {
        List<(string Path, byte[]? Blob, List<string> Certificates)> files;
        try
        {
            files = options.IdentityFiles.Where(File.Exists).Select(path =>
            {
                // IdentityFile may name a public key (the agent holds the private one): matched by its key.
                var blob = SshKeys.IsPublicKeyFile(path) ? SshKeys.ReadPublicFile(path) : SshKeys.PublicBlob(path);
                return (Path: path, Blob: blob, Certificates: SshKeys.CertificatesFor(path, blob, options.CertificateFiles).ToList());
            }).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new InvalidInputException($"cannot read the identity files {string.Join(", ", options.IdentityFiles)} ({ex.Message}): check their permissions", ex);
        }

        var viaAgent = new HashSet<string>(StringComparer.Ordinal);
        var agentKeys = 0;
        if (options.IdentityAgent is { } socket)
        {
            var agent = new SshAgentClient(socket);
            IReadOnlyList<SshAgentClient.Identity> identities;
            try
            {
                identities = agent.ListIdentities();
            }
            catch (LayerFailureException)
            {
                // As ssh: an agent that does not answer (a stale SSH_AUTH_SOCK) is no agent; the files are still tried.
                identities = [];
            }

            foreach (var identity in identities)
            {
                var index = files.FindIndex(f => f.Blob is not null && (f.Blob.AsSpan().SequenceEqual(identity.Blob) ||
                    f.Certificates.Any(c => SshKeys.ReadPublicFile(c) is { } cert && cert.AsSpan().SequenceEqual(identity.Blob))));
                if (index < 0 && options.IdentitiesOnly)
                {
                    continue;
                }

                if (index >= 0 && viaAgent.Add(files[index].Path) && files[index].Blob.AsSpan().SequenceEqual(identity.Blob))
                {
                    var file = files[index];
                    // The file's certificate, signed by the agent's copy of its key.
                    foreach (var certificate in file.Certificates.Select(SshKeys.ReadPublicFile).OfType<byte[]>())
                    {
                        _keys.Add(AgentKey.Source(certificate, agent, signWith: identity.Blob));
                    }
                }

                _keys.Add(AgentKey.Source(identity.Blob, agent));
                agentKeys++;
            }
        }

        foreach (var (path, blob, certificates) in files.Where(f => !viaAgent.Contains(f.Path)))
        {
            if (SshKeys.IsPublicKeyFile(path))
            {
                var beside = path.EndsWith(".pub", StringComparison.Ordinal) ? path[..^4] : null;
                if (beside is null || !File.Exists(beside))
                {
                    throw new InvalidInputException(
                        $"the identity file {path} is a public key, no ssh-agent holds its private key{(options.IdentityAgent is null ? " (no agent: SSH_AUTH_SOCK is not set)" : string.Empty)}, and no private key is beside it: load the key into the agent or name the private key");
                }

                _keys.Add(Load(beside, blob, certificates.FirstOrDefault(), options));
                continue;
            }

            _keys.Add(Load(path, blob, certificates.FirstOrDefault(), options));
        }

        Summary = $"{agentKeys} agent key(s), {files.Count} key file(s){(_password is null ? string.Empty : ", a password")}";
    }

    private IPrivateKeySource Load(string path, byte[]? blob, string? certificate, SshConnectionOptions options)
    {
        if (SshKeys.IsEncrypted(path))
        {
            var encrypted = new EncryptedKey(path, certificate, options);
            _owned.Add(encrypted);
            // Without a public key beside it (an old PEM key) it cannot be offered before it is decrypted.
            return blob is null ? encrypted.Unlock() : encrypted.Source(blob);
        }

        try
        {
            var key = new PrivateKeyFile(path, null, certificate);
            _owned.Add(key);
            return key;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidInputException($"the certificate {certificate} does not certify the key {path}: check CertificateFile", ex);
        }
        catch (Exception ex) when (ex is SshException or NotSupportedException or FormatException)
        {
            throw new InvalidInputException($"the key {path} cannot be used ({ex.Message}): use an ed25519, ecdsa or rsa key in OpenSSH or PEM format", ex);
        }
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
