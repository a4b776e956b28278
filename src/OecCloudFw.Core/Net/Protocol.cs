namespace OecCloudFw.Core.Net;

/// <summary>The IP protocol a rule applies to; <see cref="All"/> matches every protocol.</summary>
public enum Protocol
{
    Tcp,
    Udp,
    Icmp,
    All,
}
