using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Cli.Commands;

/// <summary>What to close, for every provider's close; validated, and the SSH port refused without --force.</summary>
internal sealed record CloseFlags(
    [Option("port", Description = "Port or range to close (repeatable).")] string[]? Port = null,
    [Option("source", Description = "Only rules from this CIDR (repeatable; default every source).")] string[]? Source = null,
    [Option("protocol", Description = "tcp or udp.")] string Protocol = "tcp",
    [Option("ssh-port", Description = "SSH port(s) when not 22; they are refused without --force.")] string[]? SshPort = null,
    [Option("force", Description = "Allow closing the SSH port.")] bool Force = false) : ICommandParameterSet
{
    public (IReadOnlyList<PortRange> Ports, IReadOnlyList<Cidr> Sources, Protocol Protocol) Parse()
    {
        var ports = PolicyFlags.Split(Port).Select(p => PortRange.TryParse(p, out var r, out var e) ? r : throw new InvalidInputException($"--port: {e}")).ToList();
        if (ports.Count == 0)
        {
            throw new InvalidInputException("--port is required: name the port to close");
        }

        var sources = PolicyFlags.Split(Source).Select(s => Cidr.TryParse(s, out var c, out var e) ? c : throw new InvalidInputException($"--source: {e}")).ToList();
        if (!ProtocolNames.TryParse(Protocol, out var protocol) || protocol is not (Core.Net.Protocol.Tcp or Core.Net.Protocol.Udp))
        {
            throw new InvalidInputException($"--protocol '{Protocol}' is not supported: use tcp or udp");
        }

        if (protocol == Core.Net.Protocol.Tcp)
        {
            SshGuard.EnsureNotClosing(ports, PolicyBuilder.Build(new PolicyOptions { SshPorts = PolicyFlags.Split(SshPort) }).Ssh.Select(r => r.Ports.From), Force);
        }

        return (ports, sources, protocol.Value);
    }
}
