using System.Text.Json.Nodes;
using OecCloudFw.Reports;

namespace OecCloudFw.Cli.Tests;

/// <summary>The shipped JSON Schemas: printed by <c>schema</c>, and exactly the shape the documents are written in.</summary>
public sealed class SchemaTests
{
    public static TheoryData<string> Names => [.. DocumentSchemas.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void ShippedSchema_IsTheShapeTheDocumentIsWrittenIn(string name)
    {
        var type = DocumentSchemas.All.Single(s => s.Name == name).Type;
        var generated = SchemaGenerator.Generate(name, type);
        if (Environment.GetEnvironmentVariable("OECFW_WRITE_SCHEMAS") == "1")
        {
            File.WriteAllText(Path.Combine(Testing.RepositoryRoot.Path, "src", "OecCloudFw.Reports", "Schemas", DocumentSchemas.FileName(name)),
                generated.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        var shipped = DocumentSchemas.Read(name);

        Assert.NotNull(shipped);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(shipped), generated),
            $"{name}: the document's shape changed; a changed document needs a new schema version (oec-cloudfw/{name[..name.IndexOf('/', StringComparison.Ordinal)]}/v2), not an edited v1");
    }

    [Fact]
    public async Task ShippedSchema_AcceptsWhatTheToolPrints_AndRefusesADocumentOfAnotherShape()
    {
        var schema = Json.Schema.JsonSchema.FromText(DocumentSchemas.Read("policy/v1")!, new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });
        var printed = await CliHarness.RunAsync("policy", "show", "--output", "json");
        using var good = System.Text.Json.JsonDocument.Parse(printed.Output);
        using var bad = System.Text.Json.JsonDocument.Parse("""{"schema":"oec-cloudfw/policy/v1","ipv6":"yes","ports":[],"findings":[],"extra":1}""");

        Assert.True(schema.Evaluate(good.RootElement).IsValid);
        Assert.False(schema.Evaluate(bad.RootElement).IsValid);
    }

    [Fact]
    public async Task SchemaCommand_PrintsTheSchema_ListsThemAll_AndRefusesAnUnknownName()
    {
        var audit = await CliHarness.RunAsync("schema", "audit/v4");
        var newest = await CliHarness.RunAsync("schema", "audit");
        var list = await CliHarness.RunAsync("schema");
        var unknown = await CliHarness.RunAsync("schema", "nope/v9");

        Assert.Equal(0, audit.ExitCode);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", JsonNode.Parse(audit.Output)!["$schema"]!.GetValue<string>());
        Assert.Equal(audit.Output, newest.Output);
        Assert.Equal(DocumentSchemas.All.Select(s => $"oec-cloudfw/{s.Name}"), list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, unknown.ExitCode);
    }
}
