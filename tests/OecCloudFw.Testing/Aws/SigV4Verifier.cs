using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OecCloudFw.Testing.Aws;

/// <summary>
/// Checks an AWS Signature Version 4 the way EC2 does, with the fake's own code: the canonical request rebuilt from
/// what arrived (method, path, query, the signed headers, the body's hash), the string to sign with the credential
/// scope, the signing key derived from the secret of the access key, and the signature compared.
/// </summary>
public static class SigV4Verifier
{
    /// <summary>The test identities: access key id to secret.</summary>
    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AKIDTEST"] = "secret",
        ["AKIDTESTTESTTEST"] = "test-secret",
        ["AKIDBENCH"] = "bench",
    };

    /// <summary>Null when the signature holds; else EC2's error code and message.</summary>
    public static (string Code, string Message)? Verify(HttpRequest request, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "AWS4-HMAC-SHA256 ";
        if (!header.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return ("AuthFailure", "AWS was not able to validate the provided access credentials");
        }

        var parts = header[Scheme.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return ("IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "ec2" || scope[4] != "aws4_request")
        {
            return ("IncompleteSignature", $"Credential should be scoped to a valid region and the ec2 service, not '{credential}'");
        }

        if (!Secrets.TryGetValue(scope[0], out var secret))
        {
            return ("AuthFailure", "AWS was not able to validate the provided access credentials");
        }

        var date = request.Headers["X-Amz-Date"].ToString();
        if (date.Length != 16 || !date.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return ("IncompleteSignature", "X-Amz-Date is missing or does not match the credential scope's date");
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return ("IncompleteSignature", "host and x-amz-date must be signed");
        }

        var canonicalHeaders = new StringBuilder();
        foreach (var name in names)
        {
            var value = name == "host" ? request.Host.Value : string.Join(',', request.Headers[name].Select(v => v ?? string.Empty));
            canonicalHeaders.Append(name).Append(':').Append(string.Join(' ', (value ?? string.Empty).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        var query = string.Join('&', request.Query
            .SelectMany(q => q.Value.Select(v => (Key: Uri.EscapeDataString(q.Key), Value: Uri.EscapeDataString(v ?? string.Empty))))
            .OrderBy(q => q.Key, StringComparer.Ordinal).ThenBy(q => q.Value, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"));
        var path = string.IsNullOrEmpty(request.Path.Value) ? "/" : request.Path.Value;
        var canonicalRequest = $"{request.Method}\n{path}\n{query}\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(body))}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{date}\n{string.Join('/', scope[1..])}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var step in new[] { scope[1], scope[2], scope[3], "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(step));
        }

        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);
}
