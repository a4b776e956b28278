using OecCloudFw.Core.Providers;
using OecCloudFw.Core.Yaml;

namespace OecCloudFw.Application.Fleet;

/// <summary>
/// What a fleet inventory may contain, checked before it is bound: a repeated key, an unknown key, a single value where
/// a list belongs or a syntax error is a message naming the file and the line (exit 2), never a silent winner or a cast error.
/// </summary>
internal static class InventoryShape
{
    private static readonly (string Key, YamlShape Shape)[] EntryKeys =
    [
        ("host", YamlShape.Value), ("port", YamlShape.Value), ("user", YamlShape.Value), ("identity", YamlShape.Value),
        ("password_env", YamlShape.Value), ("known_hosts", YamlShape.Value), ("host_key_policy", YamlShape.Value), ("policy", YamlShape.Value), ("jump", YamlShape.Value),
    ];

    /// <summary>The keys of the providers' settings in an entry (<c>aws_groups</c>, <c>hetzner_server</c>, …): a list where the setting repeats.</summary>
    public static IEnumerable<(ICloudProvider Provider, ProviderSetting Setting, string Key)> ProviderKeys(IReadOnlyList<ICloudProvider> providers) =>
        providers.SelectMany(p => p.Settings.Where(s => !s.VerbOnly).Select(s => (p, s, s.InventoryKeyFor(p.Prefix))));

    /// <summary>Throws an <see cref="Core.InvalidInputException"/> naming file:line for each mistake.</summary>
    public static void Check(string yaml, string path, IReadOnlyList<ICloudProvider> providers)
    {
        (string, YamlShape)[] keys = [.. EntryKeys, .. ProviderKeys(providers).Select(k => (k.Key, k.Setting.Repeatable ? YamlShape.Values : YamlShape.Value))];
        YamlShape.Map(("defaults", YamlShape.Map(keys)), ("servers", YamlShape.ListOf(YamlShape.Map(keys)))).Check(yaml, path);
    }
}
