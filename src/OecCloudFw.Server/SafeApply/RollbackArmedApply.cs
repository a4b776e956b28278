using System.Security.Cryptography;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.SafeApply;

/// <summary>
/// Applies firewall commands the way iptables-apply or a commit-confirmed does: snapshot, arm a rollback on the
/// server, apply, prove access, and only then cancel the rollback. Over SSH the proof is a NEW connection (which
/// confirms); on this machine (--local), where no connection can be made, it is the applied ruleset read back and
/// evaluated (<see cref="RulesetProof"/>): proven, it is confirmed; not proven, the rollback fires at once.
/// </summary>
/// <param name="shell">The connection the change is made over.</param>
/// <param name="time">The clock.</param>
/// <param name="provePort">The SSH port the new connection proves (an SSH port being moved to); null for the connection's own.</param>
/// <param name="ruleset">What the applied ruleset must admit, for a shell that cannot open a new connection (--local).</param>
internal sealed class RollbackArmedApply(IServerShell shell, TimeProvider time, int? provePort = null, RulesetProof? ruleset = null)
{
    /// <param name="commands">The changes, in order.</param>
    /// <param name="confirmTimeout">How long after the apply the server waits for the confirmation before it restores.</param>
    /// <param name="alongside">Read-only work (e.g. re-reading the facts) run on the existing connection while the new one is tried.</param>
    /// <param name="cancellationToken">Cancels the wait, not the armed rollback.</param>
    public async Task<(ApplyOutcome Outcome, string Detail)> ApplyAsync(IReadOnlyList<string> commands, TimeSpan confirmTimeout, Func<Task>? alongside = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (!shell.CanOpenNewConnection && ruleset is null)
        {
            // A change that nothing could prove is never made.
            throw new InvalidOperationException($"{shell.Target} cannot open a new connection and no ruleset proof was given");
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var seconds = (int)Math.Ceiling(confirmTimeout.TotalSeconds);
        ShellResult applied;
        try
        {
            var (script, arguments) = RollbackScripts.ArmAndApply(token, seconds, commands);
            applied = await shell.RunScriptAsync(script, arguments, cancellationToken);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while the server was arming and applying: the server finishes on its own (the script ignores the
            // session's end), and nobody will confirm, so the armed rollback restores.
            throw new OperationInterruptedException(
                $"{shell.Target}: stopped while the change was being armed and applied; if it was armed ({RollbackScripts.Root}/{token}), the server " +
                $"restores the previous rules at most {RollbackScripts.ApplyBound(commands.Count) + seconds} s after arming, since nothing will confirm it",
                ex, cancellationToken);
        }
        catch (LayerFailureException ex)
        {
            // The session died during the apply. The server finishes it on its own, and the armed rollback restores.
            throw new LayerFailureException(
                $"{ex.Message}. If the change was armed ({RollbackScripts.Root}/{token}), the server restores the previous rules at most " +
                $"{RollbackScripts.ApplyBound(commands.Count) + seconds} s after arming unless it is confirmed; check with a new connection", ex);
        }

        var appliedAt = time.GetTimestamp();
        try
        {
            return await ProveAndConfirmAsync(applied, token, seconds, confirmTimeout, appliedAt, alongside, cancellationToken);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex is not OperationInterruptedException)
        {
            var left = Math.Max(0, (int)Math.Ceiling((confirmTimeout - time.GetElapsedTime(appliedAt)).TotalSeconds));
            throw new OperationInterruptedException(
                $"{shell.Target}: stopped after the change was applied and before it was confirmed: the armed rollback ({RollbackScripts.Root}/{token}) " +
                $"restores the previous rules in {left} s unless confirmed; nothing will confirm it, so run the command again afterwards",
                ex, cancellationToken);
        }
    }

    private async Task<(ApplyOutcome Outcome, string Detail)> ProveAndConfirmAsync(
        ShellResult applied, string token, int seconds, TimeSpan confirmTimeout, long appliedAt, Func<Task>? alongside, CancellationToken cancellationToken)
    {
        if (applied.ExitCode == RollbackScripts.BusyExit)
        {
            throw new LayerFailureException($"{shell.Target}: {applied.Stdout.Trim()}: another run is changing this firewall; wait for it (at most its confirm timeout) and retry");
        }

        if (!applied.Stdout.Contains(RollbackScripts.AppliedMarker, StringComparison.Ordinal))
        {
            var failed = applied.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("OECFW-FAILED", StringComparison.Ordinal)) ?? $"exit {applied.ExitCode}";
            return (ApplyOutcome.FailedAndRestored, $"{failed.Replace("OECFW-FAILED: ", "command failed: ", StringComparison.Ordinal)} {applied.Stderr.Trim()}".Trim());
        }

        if (!shell.CanOpenNewConnection)
        {
            return await ProveByRulesetAsync(token, alongside, cancellationToken);
        }

        // Prove access with a new connection while the rollback is still armed, and confirm over that very connection:
        // the confirmation can only come from a connection made under the new rules.
        var probeTimeout = TimeSpan.FromSeconds(Math.Clamp(seconds / 2.0, 2, 15));
        var (confirmScript, confirmArguments) = RollbackScripts.Confirm(token);
        var reading = alongside?.Invoke();
        var confirm = await shell.RunOnNewConnectionAsync(provePort, confirmScript, confirmArguments, probeTimeout, cancellationToken);
        if (reading is not null)
        {
            try
            {
                await reading;
            }
            catch (Exception ex) when (ex is LayerFailureException or IOException or Renci.SshNet.Common.SshException)
            {
                // Only a read: the caller reads again if it has nothing.
            }
        }

        if (confirm is not null && confirm.Stdout.Contains(RollbackScripts.ConfirmedMarker, StringComparison.Ordinal))
        {
            return (ApplyOutcome.Confirmed, $"proven with a new connection over {shell.Target}{shell.Route}{(provePort is { } p ? $" (port {p})" : string.Empty)}; rollback {token} cancelled");
        }

        if (confirm is not null && confirm.Stdout.Contains(RollbackScripts.TooLateMarker, StringComparison.Ordinal))
        {
            return (ApplyOutcome.RolledBack, "the confirmation came after the rollback fired: the previous rules were restored; re-run with a longer --confirm-timeout");
        }

        // Access is lost: wait for the armed rollback, then check that access is back.
        var remaining = confirmTimeout - time.GetElapsedTime(appliedAt) + TimeSpan.FromSeconds(2);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, time, cancellationToken);
        }

        // Asked again over a new connection: a confirmation that went through while its answer was lost says so now.
        ShellResult? again = null;
        for (var attempt = 0; attempt < 5 && again is null; attempt++)
        {
            again = await shell.RunOnNewConnectionAsync(null, confirmScript, confirmArguments, TimeSpan.FromSeconds(5), cancellationToken);
        }

        if (again is not null && again.Stdout.Contains(RollbackScripts.ConfirmedMarker, StringComparison.Ordinal))
        {
            return (ApplyOutcome.Confirmed, $"proven with a new connection over {shell.Target}{shell.Route} (on a second try); rollback {token} cancelled");
        }

        return again is not null
            ? (ApplyOutcome.RolledBack, "a new SSH connection failed after the change, so the armed rollback restored the previous rules; access is back")
            : (ApplyOutcome.RolledBack, "a new SSH connection failed after the change and access has not come back yet; the rollback was armed on the server: use the provider's console to check");
    }

    /// <summary>
    /// --local: no connection can be made, so nothing is claimed about one. The live ruleset is read back (the same
    /// probe) and evaluated; only a definite admit of every SSH source confirms. Otherwise the rollback fires now.
    /// </summary>
    private async Task<(ApplyOutcome Outcome, string Detail)> ProveByRulesetAsync(string token, Func<Task>? alongside, CancellationToken cancellationToken)
    {
        (bool Proven, string Detail) proof;
        try
        {
            proof = ruleset!.Check(await Facts.FactsCollector.CollectAsync(shell, cancellationToken));
        }
        catch (LayerFailureException ex)
        {
            proof = (false, $"the applied ruleset could not be read back ({ex.Message})");
        }

        if (!proof.Proven)
        {
            var (restoreScript, restoreArguments) = RollbackScripts.RestoreNow(token);
            var restored = await shell.RunScriptAsync(restoreScript, restoreArguments, cancellationToken);
            return restored.Stdout.Contains(RollbackScripts.RestoredMarker, StringComparison.Ordinal) || restored.Stdout.Contains(RollbackScripts.TooLateMarker, StringComparison.Ordinal)
                ? (ApplyOutcome.RolledBack, $"{proof.Detail}; so the armed rollback {token} restored the previous rules at once")
                : (ApplyOutcome.RolledBack, $"{proof.Detail}; restoring at once failed ({restored.Stdout.Trim()} {restored.Stderr.Trim()}), the armed rollback {token} restores the previous rules when it fires");
        }

        if (alongside is not null)
        {
            try
            {
                await alongside();
            }
            catch (LayerFailureException)
            {
                // Only a read: the caller reads again if it has nothing.
            }
        }

        var (confirmScript, confirmArguments) = RollbackScripts.Confirm(token);
        var confirm = await shell.RunScriptAsync(confirmScript, confirmArguments, cancellationToken);
        return confirm.Stdout.Contains(RollbackScripts.ConfirmedMarker, StringComparison.Ordinal)
            ? (ApplyOutcome.Confirmed, $"{proof.Detail}; rollback {token} cancelled")
            : (ApplyOutcome.RolledBack, "the confirmation came after the rollback fired: the previous rules were restored; re-run with a longer --confirm-timeout");
    }
}
