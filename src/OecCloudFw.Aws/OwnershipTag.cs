namespace OecCloudFw.Aws;

/// <summary>The tag the tool puts on every security group rule it creates; only rules carrying it are ever revoked.</summary>
internal static class OwnershipTag
{
    public const string Key = "managed-by";
    public const string Value = "oec-cloudfw";
}
