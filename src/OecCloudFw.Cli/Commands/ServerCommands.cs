using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>server preflight | configure</c>: the server layer (UFW, firewalld, iptables, nftables) over SSH or locally.</summary>
public sealed class ServerCommands(CliContext context)
{
    [Command("preflight", Description = "Check the server's firewall: Passed, Warning (configure would fix it) or Failed (SSH not admitted). One SSH connection, one exec.")]
    public Task<int> Preflight(
        ServerTarget target,
        ServerPolicyFlags policy,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            target.Resolve(context.Environment);
            await using var shell = await target.ConnectAsync(context.Environment, cancellationToken);
            var report = await new ServerConfigurator(shell, TimeProvider.System).PreflightAsync(wanted, cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, ServerDocuments.Preflight(report));
            }
            else
            {
                new HumanRenderer(context.Console).Preflight(report);
            }

            return ExitFor(report.Status);
        }, cancellationToken);

    [Command("configure", Description = "Make the server's firewall right: disable CSF/LFD, install UFW if missing, open the SSH port(s), 80, 443 and the policy's optional ports, enable; rollback-armed, then re-run preflight.")]
    public Task<int> Configure(
        ServerTarget target,
        ServerPolicyFlags policy,
        [Option("dry-run", Description = "Print the exact commands, change nothing.")] bool dryRun = false,
        [Option("confirm-timeout", Description = "Seconds after which the server restores the previous rules unless a new SSH connection has confirmed the change.")] int confirmTimeout = 60,
        [Option("backend", Description = "Force a frontend: ufw, firewalld, iptables or nftables (default: the guide's order).")] string? backend = null,
        [Option("docker", Description = "Docker's published ports (which bypass INPUT): policy (default: DOCKER-USER admits only the policy's ports from their sources) or leave.")] string docker = "policy",
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            if (confirmTimeout is < 3 or > 3600)
            {
                throw new InvalidInputException("--confirm-timeout must be 3-3600 seconds");
            }

            if (backend is not null && backend is not ("ufw" or "firewalld" or "iptables" or "nftables"))
            {
                throw new InvalidInputException($"--backend '{backend}' is not a frontend: use ufw, firewalld, iptables or nftables");
            }

            var dockerMode = DockerModes.Parse(docker);

            target.Resolve(context.Environment);
            await using var shell = await target.ConnectAsync(context.Environment, cancellationToken);
            var result = await new ServerConfigurator(shell, TimeProvider.System)
                .ConfigureAsync(wanted, dryRun, TimeSpan.FromSeconds(confirmTimeout), backend, dockerMode, cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, ServerDocuments.Configure(result));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Configure(result);
                if (result.After is { } after && !result.DryRun)
                {
                    renderer.Line("Preflight after configure:");
                    renderer.Preflight(after);
                }
            }

            return result.Outcome switch
            {
                ApplyOutcome.RolledBack or ApplyOutcome.FailedAndRestored => ExitCodes.RolledBack,
                _ when result.DryRun => ExitCodes.Ok,
                _ => ExitFor((result.After ?? result.Before).Status),
            };
        }, cancellationToken);

    [Command("harden", Description = "SSH keys only (PasswordAuthentication and KbdInteractiveAuthentication no), root by key only (or --root-login no), as an sshd_config.d drop-in; proven with a new key login, rollback-armed.")]
    public Task<int> Harden(
        ServerTarget target,
        [Option("root-login", Description = "prohibit-password (default: root by key only) or no (only when connected as a non-root user with a key and sudo).")] string rootLogin = "prohibit-password",
        [Option("dry-run", Description = "Print every change, change nothing.")] bool dryRun = false,
        [Option("confirm-timeout", Description = "Seconds after which the server restores sshd's previous configuration unless a new SSH connection has confirmed the change.")] int confirmTimeout = 60,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var root = rootLogin.Trim().ToLowerInvariant() switch
            {
                "prohibit-password" => Server.Harden.RootLogin.ProhibitPassword,
                "no" => Server.Harden.RootLogin.No,
                _ => throw new InvalidInputException($"--root-login '{rootLogin}' is not a setting: use prohibit-password or no"),
            };
            if (confirmTimeout is < 3 or > 3600)
            {
                throw new InvalidInputException("--confirm-timeout must be 3-3600 seconds");
            }

            target.Resolve(context.Environment);
            await using var shell = await target.ConnectAsync(context.Environment, cancellationToken);
            var result = await new Server.Harden.ServerHardener(shell, TimeProvider.System).HardenAsync(root, dryRun, TimeSpan.FromSeconds(confirmTimeout), cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new Output.Documents.HardenDocument(shell.Target, dryRun, result.Outcome == ApplyOutcome.Confirmed,
                    result.Outcome?.ToString().ToLowerInvariant() ?? (dryRun ? "dry-run" : "unchanged"), result.Detail, result.Commands));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Line($"{shell.Target}: {result.Detail}");
                foreach (var command in result.Commands)
                {
                    renderer.Line($"  {(dryRun ? "would run" : "ran")}: {command}");
                }
            }

            return result.Outcome is ApplyOutcome.RolledBack or ApplyOutcome.FailedAndRestored ? ExitCodes.RolledBack : ExitCodes.Ok;
        }, cancellationToken);

    private static int ExitFor(PreflightStatus status) => status switch
    {
        PreflightStatus.Passed => ExitCodes.Ok,
        PreflightStatus.Warning => ExitCodes.Findings,
        _ => ExitCodes.RolledBack,
    };
}
