using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Aws;

/// <summary>A validated security group id: <c>sg-</c> followed by 8 or 17 hex digits.</summary>
public sealed partial record SecurityGroupId
{
    private SecurityGroupId(string value) => Value = value;

    public string Value { get; }

    public static SecurityGroupId Parse(string? text) =>
        text is not null && Pattern().IsMatch(text)
            ? new SecurityGroupId(text)
            : throw new InvalidInputException($"'{text}' is not a security group id: expected sg- followed by 8 or 17 hex digits, e.g. sg-0123456789abcdef0");

    public override string ToString() => Value;

    [GeneratedRegex("^sg-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
