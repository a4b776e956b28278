using OecCloudFw.Core.Net;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Preflight;

/// <summary>The guide's preflight check, computed from facts (pure).</summary>
internal static class PreflightCheck
{
    public static PreflightReport Evaluate(string target, ServerFacts facts, ServerPolicy policy, IReadOnlyList<string> configureActions)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var ports = policy.Requirements
            .Select(r => new PortCheck(r.Ports, r.Comment, r.IsSsh,
                r.Sources.Select(s => new SourceCheck(s, ServerLayerEvaluator.Evaluate(facts, r.Protocol, r.Ports.From, s))).ToList()))
            .ToList();
        var active = facts.UfwActive ? "ufw"
            : facts.FirewalldRunning ? "firewalld"
            : facts.Csf is { Active: true } ? "csf"
            : facts.IptablesActive ? "iptables"
            : facts.NftActive ? "nftables"
            : "none";
        var reasons = new List<string>();
        foreach (var port in ports.Where(p => !p.Admitted))
        {
            var blocked = port.Sources.FirstOrDefault(s => s.Verdict.Refused) ?? port.Sources.First(s => !s.Verdict.Admitted);
            reasons.Add(blocked.Verdict.Indeterminate
                ? $"{(port.IsSsh ? "SSH port" : "port")} {port.Ports} ({port.Comment}) from {blocked.Source} is indeterminate: {blocked.Verdict.Evidence}"
                : $"{(port.IsSsh ? "SSH port" : "port")} {port.Ports} ({port.Comment}) is not admitted from {blocked.Source}: {blocked.Verdict.Evidence}");
        }

        // The operator's own address after what configure would do: a warning here, a refusal in configure.
        if (Configure.LockoutCheck.Risk(facts, policy, configureActions.Count > 0) is { } risk)
        {
            reasons.Add("lockout risk: " + risk);
        }

        if (active == "none")
        {
            reasons.Add("no compatible firewall is active (UFW, firewalld, or filtering iptables/nftables rules)");
        }

        if (facts.Csf is { Active: true })
        {
            reasons.Add("CSF/LFD is present: it interferes with Docker's iptables rules and should be disabled");
        }

        var sshOpenToAll = ports.Where(p => p.IsSsh).Any(p => p.Sources.All(s => !s.Source.IsInternet)) &&
                           ports.Where(p => p.IsSsh).Any(p => ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, p.Ports.From, Cidr.AnyIPv4).Admitted);
        if (sshOpenToAll)
        {
            reasons.Add("SSH is restricted in the policy but still admitted from the internet");
        }

        // Failed only when SSH is certainly refused; a verdict the tool cannot decide is a Warning that says so.
        var status = ports.Any(p => p.IsSsh && p.Sources.Any(s => s.Verdict.Refused)) ? PreflightStatus.Failed
            : reasons.Count > 0 ? PreflightStatus.Warning
            : PreflightStatus.Passed;
        return new PreflightReport(target, status, active, facts.SshPorts, facts.Csf, ports, reasons, configureActions);
    }
}
