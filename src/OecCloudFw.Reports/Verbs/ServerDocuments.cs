using OecCloudFw.Reports.Documents;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Connectivity;
using OecCloudFw.Server.Harden;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.SshPort;

namespace OecCloudFw.Reports.Verbs;

/// <summary>
/// JSON of the server verbs: <c>server preflight</c> (oec-cloudfw/server-preflight/v1), <c>server configure</c>
/// (oec-cloudfw/server-configure/v1), <c>server harden</c> (oec-cloudfw/server-harden/v1), <c>server ssh-port</c>
/// (oec-cloudfw/server-ssh-port/v1) and <c>test</c> (oec-cloudfw/test/v1).
/// </summary>
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
            !result.Plan.IsNoOp && !result.DryRun && result.Outcome == ApplyOutcome.Confirmed,
            result.Outcome?.ToString().ToLowerInvariant() ?? (result.DryRun ? "dry-run" : "no-change"),
            result.Detail,
            result.Plan.AllCommands.ToList(),
            Preflight(result.Before),
            result.After is null ? null : Preflight(result.After));
    }

    public static HardenDocument Harden(string target, bool dryRun, HardenResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new HardenDocument(target, dryRun, result.Outcome == ApplyOutcome.Confirmed,
            result.Outcome?.ToString().ToLowerInvariant() ?? (dryRun ? "dry-run" : "unchanged"), result.Detail, result.Commands);
    }

    /// <summary>The move's document; its <see cref="SshPortDocument.PlatformSettings"/> is what the table says to update too.</summary>
    public static SshPortDocument SshPort(string server, SshPortMoveResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = result.Outcome switch
        {
            SshPortMoveOutcome.Moved => "moved",
            SshPortMoveOutcome.DryRun => "dry-run",
            SshPortMoveOutcome.Restored => "restored",
            _ => "both-open",
        };
        var platform = result.Outcome == SshPortMoveOutcome.Moved
            ? $"SSH port {result.To} (was {result.From}): update it in the hosting platform's server settings, and use ssh -p {result.To}"
            : null;
        return new SshPortDocument(server, result.From, result.To, outcome, result.Detail,
            result.Steps.Select(s => new SshPortStepView(s.Layer, s.Name, s.Commands, s.Result)).ToList(),
            result.Cloud?.Created ?? [], result.Cloud?.Removed ?? [], result.LeftOpen, platform);
    }

    public static TestDocument Test(string target, IEnumerable<ConnectivityCheck> checks) =>
        new(target, checks.Select(c => new TestCheckView(c.From, c.What, c.Ok, c.Result, c.Diagnosis)).ToList());
}
