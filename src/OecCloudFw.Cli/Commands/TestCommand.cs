using OecCloudFw.Application.Connectivity;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Reports;
using OecCloudFw.Reports.Verbs;
using Spectre.Console;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>test</c>: the guide's connectivity tests, from here and from the server, with troubleshooting diagnoses.</summary>
internal sealed class TestCommand(CliContext context)
{
    [Command("test", Description = "Connectivity: from here the SSH port, HTTP (redirect to HTTPS) and HTTPS (TLS); from the server outbound 443 to api.oec.sh and hub.docker.com, and mail ports with --mail-host.")]
    public Task<int> Test(
        ServerTarget server,
        [Option("domain", Description = "The site's domain, for the HTTP Host header and the TLS name.")] string? domain = null,
        [Option("mail-host", Description = "Also test outbound 25/465/587 to this mail server (repeatable).")] string[]? mailHost = null,
        [Option("timeout", Description = "Seconds per connection attempt (a timeout is retried once).")] int timeout = 3,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            if (timeout is < 1 or > 60)
            {
                throw new InvalidInputException("--timeout must be 1-60 seconds");
            }

            if (domain is not null && Uri.CheckHostName(domain) != UriHostNameType.Dns)
            {
                throw new InvalidInputException($"--domain '{domain}' is not a domain name");
            }

            var mail = PolicyFlags.Split(mailHost);
            if (mail.FirstOrDefault(h => Uri.CheckHostName(h) == UriHostNameType.Unknown) is { } bad)
            {
                throw new InvalidInputException($"--mail-host '{bad}' is not a host name or address");
            }

            var (host, checks) = await new TestConnectivity(context.Environment).RunAsync(server.Target, domain, mail, TimeSpan.FromSeconds(timeout), cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, ServerDocuments.Test(host, checks));
            }
            else
            {
                var table = new Table().AddColumns("From", "Test", "Result");
                foreach (var check in checks)
                {
                    table.AddRow(check.From, Markup.Escape(check.What), check.Ok ? $"[green]{Markup.Escape(check.Result)}[/]" : $"[red]{Markup.Escape(check.Result)}[/]");
                }

                context.Console.Write(table);

                // The diagnoses name commands to run: each on its own line, whole, never wrapped in a table cell.
                var renderer = new HumanRenderer(context.Console);
                foreach (var check in checks.Where(c => c.Diagnosis is not null))
                {
                    renderer.Line($"{check.From} {check.What}: {check.Diagnosis}");
                }
            }

            return checks.All(c => c.Ok) ? ExitCodes.Ok : ExitCodes.Findings;
        }, cancellationToken);
}
