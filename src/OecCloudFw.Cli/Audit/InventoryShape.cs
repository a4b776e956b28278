using OecCloudFw.Core.Yaml;

namespace OecCloudFw.Cli.Audit;

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
        ("aws_groups", YamlShape.Values), ("aws_subnets", YamlShape.Values), ("aws_instance", YamlShape.Value), ("aws_region", YamlShape.Value),
        ("aws_profile", YamlShape.Value), ("aws_endpoint_url", YamlShape.Value), ("azure_nsg", YamlShape.Value), ("azure_vm", YamlShape.Value),
        ("resource_group", YamlShape.Value), ("subscription", YamlShape.Value), ("azure_endpoint", YamlShape.Value),
    ];

    private static readonly YamlShape Shape = YamlShape.Map(("defaults", YamlShape.Map(EntryKeys)), ("servers", YamlShape.ListOf(YamlShape.Map(EntryKeys))));

    /// <summary>Throws an <see cref="Core.InvalidInputException"/> naming file:line for each mistake.</summary>
    public static void Check(string yaml, string path) => Shape.Check(yaml, path);
}
