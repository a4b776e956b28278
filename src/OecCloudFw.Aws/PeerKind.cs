namespace OecCloudFw.Aws;

/// <summary>What a non-CIDR source of a security group rule is.</summary>
internal enum PeerKind
{
    /// <summary>Another security group: admits its members' private addresses, never the internet.</summary>
    SecurityGroup,

    /// <summary>A managed prefix list whose entries were read (and expanded into the snapshot's rules).</summary>
    PrefixList,

    /// <summary>A managed prefix list whose entries could not be read: what it admits is not known.</summary>
    UnreadPrefixList,
}
