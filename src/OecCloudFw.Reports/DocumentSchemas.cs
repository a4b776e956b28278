using System.Reflection;
using OecCloudFw.Reports.Documents;
using OecCloudFw.Reports.Verbs;

namespace OecCloudFw.Reports;

/// <summary>
/// The JSON Schema (draft 2020-12) of every document the tool prints, shipped inside the tool as embedded resources
/// (Schemas/NAME.vN.schema.json). A document changes shape only with a new version, hence a new schema file.
/// </summary>
public static class DocumentSchemas
{
    /// <summary>Each document's schema id ("audit/v4", as its <c>schema</c> field says) and the type that writes it.</summary>
    public static IReadOnlyList<(string Name, Type Type)> All { get; } =
    [
        ("audit/v4", typeof(AuditDocument)),
        ("audit-fleet/v4", typeof(AuditFleetDocument)),
        ("aws-open/v1", typeof(AwsOpenDocument)),
        ("aws-close/v1", typeof(AwsCloseDocument)),
        ("aws-show/v1", typeof(AwsShowDocument)),
        ("azure-open/v1", typeof(AzureOpenDocument)),
        ("azure-close/v1", typeof(AzureCloseDocument)),
        ("azure-show/v2", typeof(AzureShowDocument)),
        ("cloud-open/v1", typeof(CloudOpenDocument)),
        ("cloud-close/v1", typeof(CloudCloseDocument)),
        ("cloud-show/v1", typeof(CloudShowDocument)),
        ("server-preflight/v1", typeof(PreflightDocument)),
        ("server-configure/v1", typeof(ConfigureDocument)),
        ("server-harden/v1", typeof(HardenDocument)),
        ("server-ssh-port/v1", typeof(SshPortDocument)),
        ("policy/v1", typeof(PolicyDocument)),
        ("test/v1", typeof(TestDocument)),
        ("plan/v4", typeof(PlanDocument)),
        ("apply/v4", typeof(ApplyDocument)),
        ("suppressions/v1", typeof(SuppressionsDocument)),
    ];

    /// <summary>The resource file name of a schema: "audit/v4" is audit.v4.schema.json.</summary>
    public static string FileName(string name) => name.Replace('/', '.') + ".schema.json";

    /// <summary>The schema's text; <paramref name="name"/> may omit the version ("audit": the newest). Null when unknown.</summary>
    public static string? Read(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var full = name.Contains('/', StringComparison.Ordinal) ? name
            : All.Select(s => s.Name).Where(n => n.StartsWith(name + "/", StringComparison.Ordinal)).OrderDescending(StringComparer.Ordinal).FirstOrDefault();
        if (full is null || All.All(s => s.Name != full))
        {
            return null;
        }

        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"OecCloudFw.Reports.Schemas.{FileName(full)}");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
