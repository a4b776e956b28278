using System.Text;

namespace OecCloudFw.Core.Providers;

/// <summary>
/// The <c>--limit</c> groups of a listed cloud server (<see cref="CloudServer.Groups"/>), named as Ansible's cloud
/// inventory plugins' keyed groups name them and made safe as Ansible's <c>to_safe_group_name</c> makes them, so one
/// pattern selects the same servers in Ansible and here.
/// </summary>
public static class InventoryGroup
{
    /// <summary>
    /// A keyed group: <c>tag_Role_web</c> for a key with a value (an empty value keeps its separator, <c>tag_Role_</c>,
    /// as Ansible's <c>keyed_groups</c> write <c>prefix_key_value</c>); <c>tag_web</c> for a list item (a tag without a value).
    /// </summary>
    /// <param name="prefix">The group's prefix (<c>tag</c>, <c>label</c>).</param>
    /// <param name="key">The tag's key, or the list item.</param>
    /// <param name="value">The tag's value; null for a list item.</param>
    public static string Keyed(string prefix, string key, string? value = null) =>
        Safe(value is null ? $"{prefix}_{key}" : $"{prefix}_{key}_{value}");

    /// <summary>Every character other than <c>[A-Za-z0-9_]</c> (a whole character, never half of a surrogate pair) becomes <c>_</c>.</summary>
    public static string Safe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var safe = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            safe.Append(rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value == '_') ? (char)rune.Value : '_');
        }

        return safe.ToString();
    }
}
