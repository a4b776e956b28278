using OecCloudFw.Core.Policy;

namespace OecCloudFw.Cli.Commands;

/// <summary>The policy flags shared by every verb that opens ports; they override the policy file.</summary>
internal sealed record PolicyFlags(
    [Option("policy", Description = "Policy file (oec-cloudfw.yaml); flags override it.")] string? Policy = null,
    [Option("port", Description = "Act only on these ports (repeatable, or comma-separated); a port the policy lacks is opened from --source.")] string[]? Port = null,
    [Option("optional", Description = "Optional catalog port to open: 8069, 8072, 5432, 19999, 6432, 6433 (repeatable).")] string[]? Optional = null,
    [Option("ssh-source", Description = "Restrict SSH to this management CIDR (repeatable).")] string[]? SshSource = null,
    [Option("source", Description = "Source CIDR for optional and extra ports (repeatable; default anywhere).")] string[]? Source = null,
    [Option("ssh-port", Description = "SSH port(s) when not 22.")] string[]? SshPort = null,
    [Option("extra-port", Description = "A port outside the catalog the policy also opens, from --source (repeatable; the file's extra:); the audit checks it too.")] string[]? ExtraPort = null,
    [Option("ipv6", Description = "Cloud rules for the internet to ::/0 as well as 0.0.0.0/0: the default of every verb, said explicitly.")] bool Ipv6 = false,
    [Option("ipv4-only", Description = "Cloud rules for the internet to 0.0.0.0/0 only, no ::/0 (the policy file's ipv6: false); a server's firewall covers both families either way.")] bool Ipv4Only = false) : ICommandParameterSet
{
    public FirewallPolicy Build() => Build(Policy, Port, Optional, SshSource, Source, SshPort, Families(Ipv6, Ipv4Only), ExtraPort);

    /// <summary>The one IPv6 choice of every verb: null (the file's, else IPv4 and IPv6), true, or false for IPv4 only.</summary>
    internal static bool? Families(bool ipv6, bool ipv4Only) =>
        ipv6 && ipv4Only ? throw new Core.InvalidInputException("--ipv6 and --ipv4-only contradict each other: give one")
        : ipv4Only ? false
        : ipv6 ? true
        : null;

    internal static FirewallPolicy Build(string? policy, string[]? port, string[]? optional, string[]? sshSource, string[]? source, string[]? sshPort, bool? ipv6, string[]? extraPort = null) =>
        PolicyBuilder.Build(new PolicyOptions
        {
            PolicyFile = policy,
            Ports = Split(port),
            Optional = Split(optional),
            SshSources = Split(sshSource),
            Sources = Split(source),
            SshPorts = Split(sshPort),
            Ipv6 = ipv6,
            ExtraPorts = Split(extraPort),
        });

    internal static IReadOnlyList<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
