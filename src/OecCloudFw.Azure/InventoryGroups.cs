using OecCloudFw.Core.Providers;

namespace OecCloudFw.Azure;

/// <summary>
/// The <c>--limit</c> groups of a listed VM, named as Ansible's azure_rm inventory plugin's keyed groups would be
/// (<c>tag_Role_web</c>, the location) and made safe as Ansible's <c>to_safe_group_name</c> makes them: every
/// character other than a letter, a digit or '_' becomes '_'.
/// </summary>
internal static class InventoryGroups
{
    /// <summary>The groups of a VM with these tags in this location, each once, in ordinal order.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyDictionary<string, string> tags, string? location)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var groups = tags.Select(t => InventoryGroup.Keyed("tag", t.Key, t.Value));
        return [.. (string.IsNullOrEmpty(location) ? groups : groups.Append(InventoryGroup.Safe(location))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
