using OecCloudFw.Cli.Output;
using OecCloudFw.Core.Audit;
using OecCloudFw.Reports;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>policy show | catalog</c>: what the tool would open, before touching anything.</summary>
internal sealed class PolicyCommands(CliContext context)
{
    [Command("show", Description = "Print the effective policy (defaults, policy file, flags) and flag risky choices. Reads nothing remote, unless --host or --local: then the policy last applied on that server (flags override it).")]
    public Task<int> Show(
        PolicyFlags policy,
        [Option("fail-on", Description = "Exit 1 when the policy itself has a finding this severe: critical, warning, info, never.")] string? failOn = null,
        [Option("output", Description = "table or json.")] string output = "table",
        [Option("host", Description = "Show the policy last applied on this server (/etc/oec-cloudfw/applied-policy.yaml), over SSH.")] string? host = null,
        [Option("local", Description = "Show the policy last applied on this machine.")] bool local = false,
        [Option("user", Description = "With --host: SSH user (default: ~/.ssh/config, else root).")] string? user = null,
        [Option("identity", Description = "With --host: private key file.")] string? identity = null,
        [Option("known-hosts", Description = "With --host: known_hosts file (default ~/.ssh/known_hosts).")] string? knownHosts = null,
        [Option("ssh-config", Description = "With --host: ssh config file (default ~/.ssh/config).")] string? sshConfig = null,
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            var effective = policy.Build();
            if (host is not null || local)
            {
                var target = new ServerTarget(Host: host, User: user, Identity: identity, KnownHosts: knownHosts, SshConfig: sshConfig, Local: local);
                var given = policy.Policy is not null || policy.Port is { Length: > 0 } || policy.Optional is { Length: > 0 } || policy.SshSource is { Length: > 0 } ||
                            policy.Source is { Length: > 0 } || policy.SshPort is { Length: > 0 } || policy.ExtraPort is { Length: > 0 } ||
                            policy.Ipv6 || policy.Ipv4Only;
                (effective, var note) = await Application.Policies.ServerPolicy.ReadAsync(target.Target, effective, given, context.Environment, cancellationToken);
                if (format == OutputFormat.Json)
                {
                    await context.Error.WriteLineAsync(note);
                }
                else
                {
                    new HumanRenderer(context.Console).Line(note);
                }
            }

            var findings = ExposureCheck.Check(effective.DesiredRules(), (rule, _) =>
                [new Fix(FixKind.PolicyNarrow, "policy", rule.Ports.IsSingle ? rule.Ports.From : 0, [], [$"narrow the sources of {rule.Protocol.ToString().ToLowerInvariant()}/{rule.Ports} in the policy file or with --source/--ssh-source"])]);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, PolicyDocument.From(effective, findings));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Policy(effective);
                renderer.Findings(findings);
            }

            return FailOn.ExitCode(findings, threshold);
        }, cancellationToken);

    [Command("catalog", Description = "List the guide's port catalog: required and optional ports, purpose, when needed.")]
    public Task<int> Catalog(CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, () =>
        {
            new HumanRenderer(context.Console).Catalog();
            return Task.FromResult(ExitCodes.Ok);
        }, cancellationToken);
}
