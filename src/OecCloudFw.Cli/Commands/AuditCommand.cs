using Cocona;
using OecCloudFw.Cli.Audit;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>audit</c>: the defense-in-depth report, port by port, across the cloud layer, the server layer, listening sockets and live probes.</summary>
public sealed class AuditCommand(CliContext context)
{
    [Command("audit", Description = "Port by port: what the policy wants, what the cloud layer and the server admit, what listens, what answers. Without arguments, audits this machine.")]
    public Task<int> Audit(
        ServerTarget server,
        ServerPolicyFlags policy,
        AuditCloudFlags cloud,
        [Option("output", Description = "table, json or sarif.")] string output = "table",
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical (default), warning, info, never.")] string failOn = "critical",
        [Option("sarif-anchor", Description = "The file SARIF results point at (default: the policy file, else oec-cloudfw.yaml).")] string? sarifAnchor = null,
        [Option("no-probe", Description = "Do not probe the ports over the network.")] bool noProbe = false,
        [Option("probe-timeout", Description = "Seconds per TCP probe (a timeout is retried once).")] int probeTimeout = 2) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = output.Trim().ToLowerInvariant() switch
            {
                "table" or "json" or "sarif" => output.Trim().ToLowerInvariant(),
                _ => throw new InvalidInputException($"--output '{output}' is not a format: use table, json or sarif"),
            };
            var threshold = FailOn.Parse(failOn);
            if (probeTimeout is < 1 or > 60)
            {
                throw new InvalidInputException("--probe-timeout must be 1-60 seconds");
            }

            var wanted = policy.Build();
            var report = await new AuditRunner(context).RunAsync(server, cloud, wanted, !noProbe, TimeSpan.FromSeconds(probeTimeout));
            switch (format)
            {
                case "json":
                    Json.Write(context.Output, AuditDocuments.Json(report));
                    break;
                case "sarif":
                    var anchor = sarifAnchor ?? policy.Policy ?? "oec-cloudfw.yaml";
                    Json.Write(context.Output, SarifLog.Create(report, anchor.Replace('\\', '/'), typeof(AuditCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
                    break;
                default:
                    var renderer = new HumanRenderer(context.Console);
                    renderer.Audit(report);
                    renderer.Findings(report.Findings);
                    break;
            }

            return FailOn.ExitCode(report.Findings, threshold);
        });
}
