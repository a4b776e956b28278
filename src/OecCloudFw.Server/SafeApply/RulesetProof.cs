using OecCloudFw.Core.Net;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.SafeApply;

/// <summary>
/// The proof of a change made on this machine (--local), where no new connection can be made: the live ruleset, read
/// back after the change and evaluated as the kernel runs it, must definitely admit SSH on every SSH port from every
/// management source of the policy (each CIDR as a whole, not one sample address) and from the address of the SSH
/// session the tool runs in, if any. Indeterminate is not admitted.
/// </summary>
/// <param name="Ssh">The policy's SSH requirements as this server needs them (ports and sources).</param>
internal sealed record RulesetProof(IReadOnlyList<ServerRequirement> Ssh)
{
    /// <summary>Whether the ruleset in <paramref name="after"/> keeps SSH admitted, and what was (or was not) proven.</summary>
    public (bool Proven, string Detail) Check(ServerFacts after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var session = after.Connection is { } connection && Cidr.TryParse(connection.ClientAddress, out var client) ? client : null;
        var ports = Ssh.Select(r => r.Ports.From).Concat(after.Connection is null ? [] : [after.Connection.ServerPort]).Distinct().Order().ToList();
        var sources = Ssh.SelectMany(r => r.Sources).Concat(session is null ? [] : [session]).Distinct().ToList();
        foreach (var port in ports)
        {
            foreach (var source in sources)
            {
                var verdict = ServerLayerEvaluator.Evaluate(after, Protocol.Tcp, port, source);
                var who = source == session ? $"{source} (the SSH session this runs in)" : source.ToString();
                if (verdict.Refused)
                {
                    return (false, $"the applied ruleset does not admit SSH on port {port} from {who}: {verdict.Evidence}");
                }

                if (verdict.Indeterminate)
                {
                    return (false, $"the applied ruleset is not proven to admit SSH on port {port} from {who}: indeterminate: {verdict.Evidence}");
                }
            }
        }

        return (true, $"proven by evaluating the applied ruleset: SSH admitted on port {string.Join(", ", ports)} from {string.Join(", ", sources)}" +
                      (session is null
                          ? " (no SSH session's address was checked: the tool runs in none it can tell, no SSH_CONNECTION here or in a parent process)"
                          : $" (this SSH session's address {session} included)"));
    }
}
