using OecCloudFw.Core;
using OecCloudFw.Reports;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>schema NAME</c>: prints the JSON Schema of one of the tool's documents.</summary>
internal sealed class SchemaCommand(CliContext context)
{
    [Command("schema", Description = "Print the JSON Schema (draft 2020-12) of a JSON document: audit/v4, aws-open/v1, … Without a name, list them.")]
    public Task<int> Schema([Argument(Description = "The document, as its schema field names it (audit/v4), or without the version for the newest.")] string? name = null,
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            if (name is null)
            {
                foreach (var (known, _) in DocumentSchemas.All)
                {
                    await context.Output.WriteLineAsync($"oec-cloudfw/{known}");
                }

                return ExitCodes.Ok;
            }

            var text = DocumentSchemas.Read(name.StartsWith("oec-cloudfw/", StringComparison.Ordinal) ? name["oec-cloudfw/".Length..] : name)
                       ?? throw new InvalidInputException($"'{name}' is not a document of this tool: run 'oec-cloudfw schema' for the list");
            await context.Output.WriteAsync(text);
            return ExitCodes.Ok;
        }, cancellationToken);
}
