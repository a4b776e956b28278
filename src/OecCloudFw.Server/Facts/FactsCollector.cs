using System.Reflection;
using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Facts;

/// <summary>Gathers a server's facts with one probe script in one exec, then parses them (pure from there on).</summary>
public static class FactsCollector
{
    private static readonly Lazy<string> Probe = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("probe.sh")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string ProbeScript => Probe.Value;

    public static async Task<ServerFacts> CollectAsync(IServerShell shell, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shell);
        var result = await shell.RunScriptAsync(ProbeScript, cancellationToken);
        var sections = ProbeSections.Parse(result.Stdout);
        if (!sections.Complete)
        {
            throw new LayerFailureException($"the probe did not finish on {shell.Target} (exit {result.ExitCode}): {result.Stderr.Trim()}");
        }

        return Parse(sections);
    }

    public static ServerFacts Parse(ProbeSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var commands = (sections.Ok("commands") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        var variant = sections.Ok("iptables-version") is { } v ? (v.Contains("nf_tables", StringComparison.Ordinal) ? "nf_tables" : "legacy") : null;
        var firewalldRunning = sections.Ok("firewalld-state")?.Trim() == "running";
        var zonesText = sections.Ok("firewalld-zones");

        // Tables that are evaluated another way: iptables-nft's own tables and firewalld's.
        bool Skip(string family, string table) =>
            (variant == "nf_tables" && family is "ip" or "ip6" && table is "filter" or "nat" or "mangle" or "raw" or "security") ||
            table == "firewalld";
        var nft = sections.Ok("nft");
        return new ServerFacts
        {
            Os = OsInfo.Parse(sections.Ok("os-release"), commands),
            IsRoot = sections.Ok("id")?.Trim() == "0",
            Commands = commands,
            Connection = SshConnectionInfo.Parse(sections.Ok("ssh-connection")),
            Ufw = sections.Has("ufw-status") ? UfwState.Parse(sections.Text("ufw-status")) : null,
            FirewalldRunning = firewalldRunning,
            FirewalldDefaultZone = zonesText?.Split('\n').FirstOrDefault()?.Trim(),
            FirewalldZones = firewalldRunning ? FirewalldZone.Parse(sections.Ok("firewalld")) : [],
            FirewalldServicePorts = FirewalldZone.ParseServicePorts(sections.Ok("firewalld-services")),
            IptablesVariant = variant,
            IptablesSave4 = sections.Ok("iptables-save"),
            IptablesSave6 = sections.Ok("ip6tables-save"),
            Iptables4 = sections.Ok("iptables-save") is { } s4 ? IptablesSaveParser.ParseFilterInput(s4) : null,
            Iptables6 = sections.Ok("ip6tables-save") is { } s6 ? IptablesSaveParser.ParseFilterInput(s6) : null,
            Nft4 = SafeNft(nft, IpFamily.IPv4, Skip),
            Nft6 = SafeNft(nft, IpFamily.IPv6, Skip),
            Csf = CsfState.Parse(sections.Text("csf")),
            Sshd = SshdSettings.Parse(sections.Ok("sshd-t")),
            SocketPorts = SshdSettings.ParseSocketPorts(sections.Ok("ssh-socket")),
            Listening = ListeningSocket.Parse(sections.Ok("listening")),
            Fail2Ban = sections.Text("fail2ban"),
        };
    }

    private static Core.Rules.Chains.ChainRuleSet? SafeNft(string? json, IpFamily family, Func<string, string, bool> skip)
    {
        try
        {
            return NftRulesetParser.ParseInput(json, family, skip);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
