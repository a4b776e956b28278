namespace OecCloudFw.Server.Connectivity;

/// <summary>One of the guide's connectivity tests, with the troubleshooting diagnosis when it fails.</summary>
/// <param name="From">"runner" or "server".</param>
/// <param name="What">What was tested (SSH 22, HTTP, HTTPS, api.oec.sh:443 …).</param>
/// <param name="Ok">Whether it passed.</param>
/// <param name="Result">What happened: connected, refused, timed out, unreachable, redirected, TLS ok …</param>
/// <param name="Diagnosis">The guide's likely causes and what to check, when it failed.</param>
public sealed record ConnectivityCheck(string From, string What, bool Ok, string Result, string? Diagnosis);
