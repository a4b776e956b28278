using OecCloudFw.Application.Policies;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// The policy flags of the server verbs. The same as <see cref="PolicyFlags"/> but without <c>--port</c>, which there
/// names the SSH port to connect to; SSH ports themselves are detected on the server (sshd -T, ssh.socket, the connection).
/// </summary>
internal sealed record ServerPolicyFlags(
    [Option("policy", Description = "Policy file (oec-cloudfw.yaml); flags override it.")] string? Policy = null,
    [Option("optional", Description = "Optional catalog port to open: 8069, 8072, 5432, 19999, 6432, 6433 (repeatable).")] string[]? Optional = null,
    [Option("ssh-source", Description = "Allow SSH only from this management CIDR and deny it from elsewhere (repeatable).")] string[]? SshSource = null,
    [Option("source", Description = "Source CIDR for optional ports (repeatable; default anywhere).")] string[]? Source = null,
    [Option("extra-port", Description = "A port outside the catalog the policy also opens, from --source (repeatable; the file's extra:); the audit checks it too.")] string[]? ExtraPort = null,
    [Option("ipv6", Description = "Cloud rules for the internet to ::/0 as well as 0.0.0.0/0: the default of every verb, said explicitly.")] bool Ipv6 = false,
    [Option("ipv4-only", Description = "Cloud rules for the internet to 0.0.0.0/0 only, no ::/0 (the policy file's ipv6: false); a server's firewall covers both families either way.")] bool Ipv4Only = false) : ICommandParameterSet
{
    public FirewallPolicy Build() => PolicyFlags.Build(Policy, null, Optional, SshSource, Source, null, PolicyFlags.Families(Ipv6, Ipv4Only), ExtraPort);

    /// <summary>The policy as given, for the policy recorded on a server (<see cref="RememberedPolicy"/>).</summary>
    public PolicyGiven Given => new(Policy, Optional ?? [], SshSource ?? [], Source ?? [], ExtraPort ?? [], PolicyFlags.Families(Ipv6, Ipv4Only));
}
