using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Harden;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.SshPort;

/// <summary>
/// <c>server ssh-port --to N</c>: moves SSH from this connection's port to N across both layers, never closing the old
/// port before N is proven. 1. the cloud layer opens N (from the policy's SSH sources); 2. one rollback-armed change on
/// the server: its firewall admits N, sshd (and ssh.socket) listens on both, fail2ban's jail covers both, proven by a
/// NEW connection on N; 3. a second rollback-armed change: sshd listens on N only, the firewall stops admitting the
/// old port, the jail covers N, proven by a new connection on N; 4. the cloud layer removes its own rules for the old
/// port. A failure in 2 restores the server (the armed rollback) and removes what 1 created; a failure in 3 leaves SSH
/// on both ports (the rollback restores step 2's result), which is safe and reported.
/// </summary>
public sealed class SshPortMover(IServerShell shell, TimeProvider time)
{
    /// <param name="to">The new SSH port.</param>
    /// <param name="policy">The policy (its SSH sources are the new port's).</param>
    /// <param name="cloud">The cloud layer, if any.</param>
    /// <param name="dryRun">Print every step, change nothing.</param>
    /// <param name="confirmTimeout">How long the server waits for each step's proof before it restores.</param>
    /// <param name="allowLockoutRisk">Go on (warned in the detail) when the new port would not definitely admit the operator's own address; otherwise refused before anything changes.</param>
    /// <param name="cancellationToken">Stops the command.</param>
    public async Task<SshPortMoveResult> MoveAsync(int to, FirewallPolicy policy, ICloudLayer? cloud, bool dryRun, TimeSpan confirmTimeout, bool allowLockoutRisk = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (to is < 1 or > 65535)
        {
            throw new InvalidInputException($"--to {to}: a port is 1-65535");
        }

        if (shell is not SshShell)
        {
            throw new InvalidInputException("the move is proven by a new SSH connection on the new port: connect over SSH (--host), not --local");
        }

        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        if (!facts.IsRoot)
        {
            throw new LayerFailureException($"{shell.Target}: the commands do not run as root (sudo -n did not give root)");
        }

        var from = facts.Connection?.ServerPort ?? throw new LayerFailureException($"{shell.Target}: SSH_CONNECTION is not set: which port SSH is on cannot be told");
        if (from == to)
        {
            throw new InvalidInputException($"--to {to}: SSH is already on port {to} (this connection's)");
        }

        if (facts.Listening.FirstOrDefault(l => l.Port == to && !l.Process.Contains("sshd", StringComparison.Ordinal)) is { } taken)
        {
            throw new InvalidInputException($"--to {to}: port {to} is in use on the server ({taken.Process} on {taken.Address})");
        }

        var current = (facts.SocketPorts.Count > 0 ? facts.SocketPorts : facts.Sshd.Ports.Count > 0 ? facts.Sshd.Ports : [from]).ToList();
        IReadOnlyList<int> both = [.. current.Append(to).Distinct().Order()];
        IReadOnlyList<int> after = [.. current.Where(p => p != from).Append(to).Distinct().Order()];
        var sshSources = policy.Ssh.FirstOrDefault()?.Sources ?? [Cidr.AnyIPv4];
        var managementSources = sshSources.Where(c => !c.IsInternet).ToList();

        // Step 2's server change: the firewall as the policy wants it with N as an SSH port, sshd on both, the jail on both.
        var widened = WithSshPorts(facts, both, from);
        // The frontend that filters now keeps the job (a server on iptables or nftables is not switched to UFW).
        var configure = ConfigurePlanner.Plan(widened, ServerPolicy.For(policy, widened), ConfigurePlanner.Filtering(facts));
        // fail2ban's jail follows the ports where fail2ban runs (the facts as the step leaves them).
        IReadOnlyList<string> Jail(ServerFacts read, ServerFacts shaped) => Fail2BanJail.Runs(read) ? Fail2BanJail.Plan(shaped, configure.Backend, managementSources) : [];
        var jail = Jail(facts, widened);
        // The operator must reach N from where they are: named before anything changes.
        var onNewPort = ServerPolicy.For(policy, widened);
        var risk = LockoutCheck.Risk(widened, onNewPort with { Requirements = [.. onNewPort.Requirements.Where(r => !r.IsSsh || r.Ports.From == to)] }, changes: true);
        if (risk is not null && !dryRun && !allowLockoutRisk)
        {
            throw new LockoutRiskException($"{shell.Target}: {risk}");
        }

        IReadOnlyList<string> open = [.. configure.Install, .. configure.Commands, .. SshPortCommands.Listen(facts, both), .. jail];

        var cloudOpenPolicy = new FirewallPolicy([new PortRequirement(PortRange.Single(to), Protocol.Tcp, sshSources, $"SSH (port {to}, oec-cloudfw ssh-port)", "SSH", true)], policy.Ipv6);
        var steps = new List<SshPortStep>();
        CloudLayerState? cloudState = null;
        CloudLayerPlan? cloudOpen = null;
        if (cloud is not null)
        {
            cloudState = await cloud.ReadAsync(cancellationToken);
            cloudOpen = cloud.Plan(cloudState, cloudOpenPolicy, prune: false);
        }

        if (dryRun)
        {
            var (closeCommands, wouldStayOpen) = SshPortCommands.Close(facts, configure.Backend, from);
            var narrowed = WithSshPorts(facts, after, to);
            if (cloud is not null)
            {
                steps.Add(new SshPortStep("cloud", $"open {to}", cloudOpen!.Writes, "planned"));
            }

            steps.Add(new SshPortStep("server", $"admit and listen on {string.Join(",", both)}; prove a new login on {to}", open, "planned"));
            steps.Add(new SshPortStep("server", $"listen on {string.Join(",", after)} only, stop admitting {from}; prove a new login on {to}",
                [.. SshPortCommands.Listen(facts, after, from), .. closeCommands, .. Jail(facts, narrowed)], "planned"));
            if (cloud is not null)
            {
                steps.Add(new SshPortStep("cloud", $"close {from} (the tool's own rules)", cloud.PlanClose(cloudState!, CloseSelection.TcpPort(from)).Writes, "planned"));
            }

            return new SshPortMoveResult(from, to, SshPortMoveOutcome.DryRun, "dry run: nothing was changed" + (risk is null ? string.Empty : $"; warning: {risk}"), steps, null, wouldStayOpen);
        }

        // 1. The cloud layer opens N.
        var opened = cloud is null || cloudOpen is null ? null : await cloud.OpenAsync(cloudOpen, cancellationToken);
        if (cloud is not null)
        {
            steps.Add(new SshPortStep("cloud", $"open {to}", cloudOpen!.Writes, opened!.Changed ? "applied" : "unchanged"));
        }

        // 2. The server admits and listens on both; a new login on N proves it.
        var (outcome, detail) = await new RollbackArmedApply(shell, time, provePort: to).ApplyAsync(open, confirmTimeout, null, cancellationToken);
        steps.Add(new SshPortStep("server", $"admit and listen on {string.Join(",", both)}; prove a new login on {to}", open, Result(outcome)));
        if (outcome != ApplyOutcome.Confirmed)
        {
            if (cloud is not null && opened is { Created.Count: > 0 })
            {
                var undo = cloud.PlanClose(await cloud.ReadAsync(cancellationToken), CloseSelection.TcpPort(to, opened.Created));
                var undone = await cloud.CloseAsync(undo, cancellationToken);
                steps.Add(new SshPortStep("cloud", $"undo: close {to}", undo.Writes, undone.Changed ? "undone" : "unchanged"));
            }

            return new SshPortMoveResult(from, to, SshPortMoveOutcome.Restored,
                $"a new SSH login on port {to} could not be proven ({detail}); every layer is back as it was and SSH stays on {from}", steps, opened, []);
        }

        // 3. sshd listens on N only; the firewall stops admitting the old port; proven on N again.
        var now = await FactsCollector.CollectAsync(shell, cancellationToken);
        var (close, serverLeftOpen) = SshPortCommands.Close(now, configure.Backend, from);
        var moved = WithSshPorts(now, after, to);
        IReadOnlyList<string> narrow = [.. SshPortCommands.Listen(now, after, from), .. close, .. Jail(now, moved)];
        var (second, secondDetail) = await new RollbackArmedApply(shell, time, provePort: to).ApplyAsync(narrow, confirmTimeout, null, cancellationToken);
        steps.Add(new SshPortStep("server", $"listen on {string.Join(",", after)} only, stop admitting {from}; prove a new login on {to}", narrow, Result(second)));
        if (second != ApplyOutcome.Confirmed)
        {
            return new SshPortMoveResult(from, to, SshPortMoveOutcome.BothOpen,
                $"SSH answers on {to} (proven) and still on {from}: closing {from} was rolled back ({secondDetail}); run the command again to finish", steps, opened, []);
        }

        // 4. The cloud layer removes its own rules for the old port; anyone else's are reported.
        var leftOpen = serverLeftOpen.ToList();
        var result = opened;
        if (cloud is not null)
        {
            var state = await cloud.ReadAsync(cancellationToken);
            var closePlan = cloud.PlanClose(state, CloseSelection.TcpPort(from));
            var closed = await cloud.CloseAsync(closePlan, cancellationToken);
            steps.Add(new SshPortStep("cloud", $"close {from} (the tool's own rules)", closePlan.Writes, closed.Changed ? "applied" : "unchanged"));
            leftOpen.AddRange(closePlan.Changes.Extra.Select(r => $"{cloud.Target}: {r} (not created by oec-cloudfw; left alone)"));
            result = new CloudApplyResult(cloud.Target, opened?.Created ?? [], closed.Removed);
        }

        return new SshPortMoveResult(from, to, SshPortMoveOutcome.Moved,
            $"SSH moved from {from} to {to}: a new login on {to} proven, {from} closed{(leftOpen.Count > 0 ? " where the tool may close it" : string.Empty)}. " +
            $"Update the hosting platform's settings for this server: SSH port {to}",
            steps, result, leftOpen);
    }

    /// <summary>The facts as the change will leave them: sshd (and ssh.socket) on these ports, this connection on <paramref name="connectionPort"/>.</summary>
    private static ServerFacts WithSshPorts(ServerFacts facts, IReadOnlyList<int> ports, int connectionPort) => facts with
    {
        Sshd = facts.Sshd with { Ports = ports },
        SocketPorts = facts.SocketPorts.Count > 0 ? ports : [],
        Connection = facts.Connection is null ? null : facts.Connection with { ServerPort = connectionPort },
    };

    private static string Result(ApplyOutcome outcome) => outcome switch
    {
        ApplyOutcome.Confirmed => "confirmed",
        ApplyOutcome.RolledBack => "rolled-back",
        _ => "failed-and-restored",
    };
}
