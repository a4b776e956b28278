using OecCloudFw.Core.Policy;

namespace OecCloudFw.Cli.Commands;

/// <summary>The policy flags shared by every verb that opens ports; they override the policy file.</summary>
public sealed record PolicyFlags(
    [Option("policy", Description = "Policy file (oec-cloudfw.yaml); flags override it.")] string? Policy = null,
    [Option("port", Description = "Act only on these ports (repeatable, or comma-separated); a port the policy lacks is opened from --source.")] string[]? Port = null,
    [Option("optional", Description = "Optional catalog port to open: 8069, 8072, 5432, 19999, 6432, 6433 (repeatable).")] string[]? Optional = null,
    [Option("ssh-source", Description = "Restrict SSH to this management CIDR (repeatable).")] string[]? SshSource = null,
    [Option("source", Description = "Source CIDR for optional and extra ports (repeatable; default anywhere).")] string[]? Source = null,
    [Option("ssh-port", Description = "SSH port(s) when not 22.")] string[]? SshPort = null,
    [Option("ipv6", Description = "Also open internet rules to ::/0.")] bool Ipv6 = false) : ICommandParameterSet
{
    public FirewallPolicy Build() => Build(Policy, Port, Optional, SshSource, Source, SshPort, Ipv6);

    internal static FirewallPolicy Build(string? policy, string[]? port, string[]? optional, string[]? sshSource, string[]? source, string[]? sshPort, bool ipv6) =>
        PolicyBuilder.Build(new PolicyOptions
        {
            PolicyFile = policy,
            Ports = Split(port),
            Optional = Split(optional),
            SshSources = Split(sshSource),
            Sources = Split(source),
            SshPorts = Split(sshPort),
            Ipv6 = ipv6 ? true : null,
        });

    internal static IReadOnlyList<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
