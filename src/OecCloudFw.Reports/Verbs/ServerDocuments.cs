using OecCloudFw.Reports.Documents;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Reports.Verbs;

/// <summary>JSON of <c>server preflight</c> (oec-cloudfw/server-preflight/v1) and <c>server configure</c> (oec-cloudfw/server-configure/v1).</summary>
public static class ServerDocuments
{
    public static PreflightDocument Preflight(PreflightReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new PreflightDocument(
            report.Target,
            report.Status.ToString().ToLowerInvariant(),
            report.ActiveFirewall,
            report.SshPorts,
            report.Csf is null ? null : new CsfView(report.Csf.Installed, report.Csf.Active),
            report.Ports.Select(p => new PreflightPortView(
                p.Ports.ToString(),
                p.Comment,
                p.IsSsh,
                p.Admitted,
                p.Sources.Select(s => new PreflightSourceView(
                    s.Source.ToString(),
                    s.Verdict.Indeterminate ? null : s.Verdict.Admitted,
                    s.Verdict.Decision.ToString().ToLowerInvariant(),
                    s.Verdict.Evidence)).ToList())).ToList(),
            report.Reasons,
            report.ConfigureActions);
    }

    public static ConfigureDocument Configure(ConfigureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ConfigureDocument(
            result.Before.Target,
            result.Plan.Backend,
            result.DryRun,
            !result.Plan.IsNoOp && !result.DryRun && result.Outcome == Server.SafeApply.ApplyOutcome.Confirmed,
            result.Outcome?.ToString().ToLowerInvariant() ?? (result.DryRun ? "dry-run" : "no-change"),
            result.Detail,
            result.Plan.AllCommands.ToList(),
            Preflight(result.Before),
            result.After is null ? null : Preflight(result.After));
    }
}
