using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Azure;

/// <summary>Azure's naming rules, checked before any call.</summary>
public static partial class AzureNames
{
    public static string Nsg(string? name, string flag = "--nsg") => Check(name, NsgPattern(), flag, "1-80 letters, digits, '_', '.', '-'; starting with a letter or digit, ending with a letter, digit or '_'");

    public static string ResourceGroup(string? name) =>
        Check(name, GroupPattern(), "--resource-group", "1-90 letters, digits, '_', '(', ')', '.', '-', not ending with '.'");

    public static string Vm(string? name, string flag = "--vm") => Check(name, VmPattern(), flag, "1-64 letters, digits, '.', '-', '_'; starting with a letter or digit");

    public static string? Subscription(string? id) =>
        id is null ? null : Guid.TryParse(id, out var guid) ? guid.ToString() : throw new InvalidInputException($"--subscription '{id}' is not a subscription id (a GUID)");

    private static string Check(string? name, Regex pattern, string flag, string rule) =>
        name is not null && pattern.IsMatch(name) ? name : throw new InvalidInputException($"{flag} '{name}' is not a valid Azure name: {rule}");

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NsgPattern();

    [GeneratedRegex(@"^[-\w._()]{0,89}[-\w_()]$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex VmPattern();
}
