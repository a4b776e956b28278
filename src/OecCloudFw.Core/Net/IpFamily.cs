namespace OecCloudFw.Core.Net;

/// <summary>The address family of a source or rule; IPv4 and IPv6 are evaluated separately.</summary>
public enum IpFamily
{
    IPv4,
    IPv6,
}
