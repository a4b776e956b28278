using System.Text;
using System.Text.RegularExpressions;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// What can be read of a key file without its passphrase: the public key (from KEY.pub, else the unencrypted header of
/// an OpenSSH private key), whether it is encrypted, and the certificate beside it.
/// </summary>
public static partial class SshKeys
{
    /// <summary>The public key blob of a private key file, or null when it cannot be known without decrypting.</summary>
    public static byte[]? PublicBlob(string privateKeyPath)
    {
        if (ReadPublicFile(privateKeyPath + ".pub") is { } pub)
        {
            return pub;
        }

        return OpenSshHeader(privateKeyPath) is { } header ? header.PublicKey : null;
    }

    /// <summary>True when the private key needs a passphrase (OpenSSH format with a cipher, or an encrypted PEM).</summary>
    public static bool IsEncrypted(string privateKeyPath)
    {
        if (OpenSshHeader(privateKeyPath) is { } header)
        {
            return header.Cipher != "none";
        }

        var text = File.ReadAllText(privateKeyPath);
        return text.Contains("ENCRYPTED", StringComparison.Ordinal);
    }

    /// <summary>The blob of an OpenSSH public key or certificate file (<c>type base64 comment</c>), or null.</summary>
    public static byte[]? ReadPublicFile(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var fields = File.ReadAllText(path).Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        try
        {
            return fields.Length >= 2 ? Convert.FromBase64String(fields[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True when a file is a public key or certificate (<c>ssh-ed25519 AAAA…</c>), not a private key.</summary>
    public static bool IsPublicKeyFile(string path)
    {
        using var reader = new StreamReader(path);
        var first = reader.ReadLine() ?? string.Empty;
        return PublicLine().IsMatch(first);
    }

    /// <summary>The certificate for a key: the configured CertificateFiles whose key is this one, then KEY-cert.pub.</summary>
    public static IEnumerable<string> CertificatesFor(string privateKeyPath, byte[]? publicBlob, IReadOnlyList<string> certificateFiles)
    {
        var found = new List<string>();
        if (publicBlob is not null)
        {
            found.AddRange(certificateFiles.Where(c => CertifiedKey(c) is { } key && key.AsSpan().SequenceEqual(publicBlob)));
        }

        var beside = privateKeyPath + "-cert.pub";
        if (File.Exists(beside) && !found.Contains(beside))
        {
            found.Add(beside);
        }

        return found;
    }

    /// <summary>The public key blob a certificate certifies (the plain key type and the key fields of the certificate).</summary>
    public static byte[]? CertifiedKey(string certificatePath)
    {
        if (ReadPublicFile(certificatePath) is not { } blob)
        {
            return null;
        }

        try
        {
            var reader = new SshWire(blob);
            var type = reader.ReadString();
            if (!type.EndsWith("-cert-v01@openssh.com", StringComparison.Ordinal))
            {
                return null;
            }

            var plain = type[..^"-cert-v01@openssh.com".Length];
            _ = reader.ReadBytes(); // nonce
            var fields = plain switch
            {
                "ssh-rsa" => 2,           // e, n
                "ssh-dss" => 4,           // p, q, g, y
                "ssh-ed25519" => 1,       // pk
                _ when plain.StartsWith("ecdsa-", StringComparison.Ordinal) => 2, // curve, point
                _ => -1,
            };
            if (fields < 0)
            {
                return null;
            }

            using var key = new MemoryStream();
            SshWire.WriteBytes(key, Encoding.ASCII.GetBytes(plain));
            for (var i = 0; i < fields; i++)
            {
                SshWire.WriteBytes(key, reader.ReadBytes());
            }

            return key.ToArray();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The signature algorithms to offer for a key type, with the agent flags each needs.</summary>
    public static IReadOnlyList<(string Name, uint Flags)> AlgorithmsFor(string keyType) => keyType switch
    {
        "ssh-rsa" => [("rsa-sha2-512", SshAgentClient.RsaSha2512), ("rsa-sha2-256", SshAgentClient.RsaSha2256)],
        "ssh-rsa-cert-v01@openssh.com" => [("rsa-sha2-512-cert-v01@openssh.com", SshAgentClient.RsaSha2512), ("rsa-sha2-256-cert-v01@openssh.com", SshAgentClient.RsaSha2256)],
        _ => [(keyType, 0)],
    };

    private sealed record Header(string Cipher, byte[] PublicKey);

    private static Header? OpenSshHeader(string path)
    {
        var text = File.ReadAllText(path);
        const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
        const string End = "-----END OPENSSH PRIVATE KEY-----";
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            return null;
        }

        try
        {
            var data = Convert.FromBase64String(string.Concat(text[(start + Begin.Length)..end].Split(['\r', '\n', ' '], StringSplitOptions.RemoveEmptyEntries)));
            var magic = "openssh-key-v1\0"u8;
            if (!data.AsSpan().StartsWith(magic))
            {
                return null;
            }

            var reader = new SshWire(data[magic.Length..]);
            var cipher = reader.ReadString();
            _ = reader.ReadString(); // kdf name
            _ = reader.ReadBytes(); // kdf options
            return reader.ReadUInt32() == 1 ? new Header(cipher, reader.ReadBytes()) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+\s+AAAA", RegexOptions.CultureInvariant)]
    private static partial Regex PublicLine();
}
