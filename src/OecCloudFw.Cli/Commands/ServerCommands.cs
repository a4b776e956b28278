using OecCloudFw.Application.Policies;
using OecCloudFw.Application.Providers;
using OecCloudFw.Application.SshPort;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Reports;
using OecCloudFw.Reports.Verbs;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>server preflight | configure</c>: the server layer (UFW, firewalld, iptables, nftables) over SSH or locally.</summary>
internal sealed class ServerCommands(CliContext context)
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
            await using var shell = await target.ConnectAsync(context.Environment, cancellationToken);
            var report = await new ServerConfigurator(shell, TimeProvider.System) { Remembered = facts => RememberedPolicy.Choose(policy.Given, facts, shell.Target) }
                .PreflightAsync(wanted, cancellationToken);
            if (format == OutputFormat.Json)
            {
                if (report.PolicyNote is { } note)
                {
                    await context.Error.WriteLineAsync(note);
                }

                Json.Write(context.Output, ServerDocuments.Preflight(report));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                if (report.PolicyNote is { } note)
                {
                    renderer.Line(note);
                }

                renderer.Preflight(report);
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
        [Option("allow-lockout-risk", Description = "Go on (warned) when the change would not definitely admit your own address to SSH; by default that is refused with exit 4 before anything changes. The armed rollback remains.")] bool allowLockoutRisk = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            var confirm = ConfirmTimeout.Parse(confirmTimeout);

            var dockerMode = new LayersFlags(Backend: backend, Docker: docker).Validate();

            await using var shell = await target.ConnectAsync(context.Environment, cancellationToken);
            // The policy applied is recorded on the server (in the armed change); with no policy given, the one recorded there is used.
            var result = await new ServerConfigurator(shell, TimeProvider.System, RememberedPolicy.Record(wanted, policy.Given, CliApp.Version, TimeProvider.System))
                {
                    Remembered = facts => RememberedPolicy.Choose(policy.Given, facts, shell.Target),
                }
                .ConfigureAsync(wanted, dryRun, confirm, backend, dockerMode, allowLockoutRisk, cancellationToken);
            if (result.LockoutRisk is { } risk)
            {
                // In JSON the preflight's reasons carry it too ("lockout risk: …").
                await context.Error.WriteLineAsync($"warning: {shell.Target}: {risk}{(dryRun ? "; the real run is refused unless you pass --allow-lockout-risk" : "; going on (--allow-lockout-risk): the armed rollback remains")}");
            }

            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, ServerDocuments.Configure(result));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                if (result.Before.PolicyNote is { } note)
                {
                    renderer.Line(note);
                }

                if (result.LockoutRisk is { } lockout)
                {
                    renderer.Line($"warning: {lockout}");
                }

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

    [Command("harden", Description = "SSH keys only (PasswordAuthentication and KbdInteractiveAuthentication no), root by key only (or --root-login no), as an sshd_config.d drop-in, and fail2ban's sshd jail on the SSH ports in use; proven with a new key login, rollback-armed.")]
    public Task<int> Harden(
        ServerTarget target,
        [Option("root-login", Description = "prohibit-password (default: root by key only) or no (only when connected as a non-root user with a key and sudo).")] string rootLogin = "prohibit-password",
        [Option("no-fail2ban", Description = "Leave fail2ban alone (by default it is installed if missing, with an sshd jail on the SSH ports in use).")] bool noFail2Ban = false,
        [Option("management-source", Description = "A CIDR fail2ban never bans (repeatable; loopback and your own address always).")] string[]? managementSource = null,
        [Option("dry-run", Description = "Print every change, change nothing.")] bool dryRun = false,
        [Option("confirm-timeout", Description = "Seconds after which the server restores sshd's and fail2ban's previous configuration unless a new SSH connection has confirmed the change.")] int confirmTimeout = 60,
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
            var confirm = ConfirmTimeout.Parse(confirmTimeout);

            var sources = (managementSource ?? []).Select(text => Core.Net.Cidr.TryParse(text, out var cidr, out var error)
                ? cidr
                : throw new InvalidInputException($"--management-source '{text}': {error}")).ToList();
            if (noFail2Ban && sources.Count > 0)
            {
                throw new InvalidInputException("--management-source is fail2ban's ignore list: it cannot go with --no-fail2ban");
            }

            await using var shell = await target.ConnectAsync(context.Environment, cancellationToken);
            var result = await new Server.Harden.ServerHardener(shell, TimeProvider.System).HardenAsync(root, noFail2Ban ? null : new Server.Harden.Fail2BanOptions(sources), dryRun, confirm, cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, ServerDocuments.Harden(shell.Target, dryRun, result));
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

    [Command("ssh-port", Description = "Move SSH to another port across both layers: open it in the cloud layer and the server firewall, make sshd (and ssh.socket) listen on it, prove a new login there, then close the old port; never closed before the new one is proven.")]
    public Task<int> SshPort(
        ServerTarget target,
        ServerPolicyFlags policy,
        CloudFlags cloud,
        [Option("to", Description = "The new SSH port (1-65535).")] int to = 0,
        [Option("dry-run", Description = "Print every step, change nothing.")] bool dryRun = false,
        [Option("confirm-timeout", Description = "Seconds after which the server restores each step's previous state unless a new SSH connection on the new port has confirmed it.")] int confirmTimeout = 60,
        [Option("allow-lockout-risk", Description = "Go on (warned) when the new port would not definitely admit your own address; by default that is refused with exit 4 before anything changes.")] bool allowLockoutRisk = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            if (to is < 1 or > 65535)
            {
                throw new InvalidInputException("--to is required: the new SSH port, 1-65535");
            }

            var confirm = ConfirmTimeout.Parse(confirmTimeout);

            var moved = await new MoveSshPort(context.Environment, TimeProvider.System).RunAsync(
                new MoveSshPortInput(target.Target, cloud, policy.Build(), to, dryRun, confirm, allowLockoutRisk), cancellationToken);
            var (server, result) = (moved.Server, moved.Result);
            var document = ServerDocuments.SshPort(server, result);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, document);
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Line($"{server}: {result.Detail}");
                foreach (var step in result.Steps)
                {
                    renderer.Line($"  {step.Layer}: {step.Name}: {step.Result}");
                    foreach (var command in step.Commands)
                    {
                        renderer.Line($"    {command}");
                    }
                }

                foreach (var open in result.LeftOpen)
                {
                    renderer.Line($"  left open: {open}");
                }

                if (document.PlatformSettings is { } platform)
                {
                    renderer.Line($"  platform settings: {platform}");
                }
            }

            return result.Outcome switch
            {
                Server.SshPort.SshPortMoveOutcome.Restored or Server.SshPort.SshPortMoveOutcome.BothOpen => ExitCodes.RolledBack,
                Server.SshPort.SshPortMoveOutcome.Moved when result.LeftOpen.Count > 0 => ExitCodes.Findings,
                _ => ExitCodes.Ok,
            };
        }, cancellationToken);

    private static int ExitFor(PreflightStatus status) => status switch
    {
        PreflightStatus.Passed => ExitCodes.Ok,
        PreflightStatus.Warning => ExitCodes.Findings,
        _ => ExitCodes.RolledBack,
    };
}
