using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet;

/// <summary>Which of a cloud server's addresses the fleet reaches it by (<c>--address</c>).</summary>
public enum CloudAddress
{
    /// <summary>Its public address (IPv4 first): from anywhere its cloud layer lets SSH in.</summary>
    Public,

    /// <summary>Its private (VPC, VNet, network) address: from inside its network, over a VPN, or through <c>--jump</c>.</summary>
    Private,
}

/// <summary>Reading <c>--address</c>.</summary>
public static class CloudAddresses
{
    /// <summary><c>public</c> (the default) or <c>private</c>; anything else is bad input naming the flag.</summary>
    public static CloudAddress Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "public" => CloudAddress.Public,
        "private" => CloudAddress.Private,
        _ => throw new InvalidInputException($"--address '{text}': give public or private (the address a cloud server is reached by)"),
    };
}
