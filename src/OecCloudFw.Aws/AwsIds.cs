using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Aws;

/// <summary>EC2 instance and subnet ids, checked before any call: the prefix, then 8 or 17 hex digits.</summary>
public static partial class AwsIds
{
    /// <summary>The instance id, or bad input naming <paramref name="flag"/>.</summary>
    public static string Instance(string id, string flag) =>
        InstancePattern().IsMatch(id) ? id : throw new InvalidInputException($"{flag} '{id}' is not an instance id: expected i- followed by 8 or 17 hex digits");

    /// <summary>The subnet id, or bad input naming <paramref name="flag"/>.</summary>
    public static string Subnet(string id, string flag) =>
        SubnetPattern().IsMatch(id) ? id : throw new InvalidInputException($"{flag} '{id}' is not a subnet id: expected subnet- followed by 8 or 17 hex digits");

    [GeneratedRegex("^i-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex InstancePattern();

    [GeneratedRegex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetPattern();
}
