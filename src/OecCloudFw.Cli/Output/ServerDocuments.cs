using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Cli.Output;

/// <summary>JSON of <c>server preflight</c> (oec-cloudfw/server-preflight/v1) and <c>server configure</c> (oec-cloudfw/server-configure/v1).</summary>
public static class ServerDocuments
{
    public static object Preflight(PreflightReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new
        {
            schema = "oec-cloudfw/server-preflight/v1",
            target = report.Target,
            status = report.Status.ToString().ToLowerInvariant(),
            activeFirewall = report.ActiveFirewall,
            sshPorts = report.SshPorts,
            csf = report.Csf is null ? null : new { installed = report.Csf.Installed, active = report.Csf.Active },
            ports = report.Ports.Select(p => new
            {
                ports = p.Ports.ToString(),
                comment = p.Comment,
                ssh = p.IsSsh,
                admitted = p.Admitted,
                sources = p.Sources.Select(s => new
                {
                    source = s.Source.ToString(),
                    admitted = s.Verdict.Indeterminate ? (bool?)null : s.Verdict.Admitted,
                    verdict = s.Verdict.Decision.ToString().ToLowerInvariant(),
                    evidence = s.Verdict.Evidence,
                }),
            }),
            reasons = report.Reasons,
            configureActions = report.ConfigureActions,
        };
    }

    public static object Configure(ConfigureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new
        {
            schema = "oec-cloudfw/server-configure/v1",
            target = result.Before.Target,
            backend = result.Plan.Backend,
            dryRun = result.DryRun,
            changed = !result.Plan.IsNoOp && !result.DryRun && result.Outcome == Server.SafeApply.ApplyOutcome.Confirmed,
            outcome = result.Outcome?.ToString().ToLowerInvariant() ?? (result.DryRun ? "dry-run" : "no-change"),
            detail = result.Detail,
            commands = result.Plan.AllCommands,
            before = Preflight(result.Before),
            after = result.After is null ? null : Preflight(result.After),
        };
    }
}
