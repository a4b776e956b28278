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

    /// <summary>The probe's iptables-save sections: where ufw's chains show when it is loaded.</summary>
    private static readonly string[] SaveSections = ["iptables-save", "ip6tables-save", "iptables-legacy-save", "ip6tables-legacy-save"];

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
        var variant = IptablesVariant(sections.Ok("iptables-save")) ?? IptablesVariant(sections.Ok("ip6tables-save"));
        var firewalldRunning = sections.Ok("firewalld-state")?.Trim() == "running";
        var zonesText = sections.Ok("firewalld-zones");

        // Tables that are evaluated another way: iptables-nft's own (from iptables-save, with their ipsets).
        bool Skip(string family, string table) =>
            variant == "nf_tables" && family is "ip" or "ip6" && table is "filter" or "nat" or "mangle" or "raw" or "security";
        var nft = sections.Ok("nft");
        var sets = IpSet.Parse(sections.Ok("ipset"));
        return new ServerFacts
        {
            Os = OsInfo.Parse(sections.Ok("os-release"), commands),
            IsRoot = sections.Ok("id")?.Trim() == "0",
            Commands = commands,
            Connection = SshConnectionInfo.Parse(sections.Ok("ssh-connection")),
            UfwInit = sections.Ok("ufw-init") is { Length: > 0 } init ? init.Trim() : null,
            Ufw = commands.Contains("ufw")
                ? UfwState.FromFiles(sections.Ok("ufw-conf"), sections.Ok("ufw-defaults"), sections.Ok("ufw-user-rules"),
                    SaveSections.Any(n => UfwState.ChainsIn(sections.Ok(n))))
                : null,
            FirewalldRunning = firewalldRunning,
            FirewalldDefaultZone = zonesText?.Split('\n').FirstOrDefault()?.Trim(),
            FirewalldZones = firewalldRunning ? FirewalldZone.Parse(sections.Ok("firewalld")) : [],
            FirewalldServicePorts = FirewalldZone.ParseServicePorts(sections.Ok("firewalld-services")),
            IptablesVariant = variant,
            IptablesSave4 = sections.Ok("iptables-save"),
            IptablesSave6 = sections.Ok("ip6tables-save"),
            UfwAfterRules = (sections.Ok("ufw-after-rules"), sections.Ok("ufw-after6-rules")),
            DockerUserPersisted = (sections.Ok("docker-user-script"), sections.Ok("docker-user-dropin")),
            Iptables4 = sections.Ok("iptables-save") is { } s4 ? IptablesSaveParser.ParseInputPath(s4, sets) : null,
            Iptables6 = sections.Ok("ip6tables-save") is { } s6 ? IptablesSaveParser.ParseInputPath(s6, sets) : null,
            IptablesLegacy4 = variant != "legacy" && sections.Ok("iptables-legacy-save") is { } l4 ? IptablesSaveParser.ParseInputPath(l4, sets) : null,
            IptablesLegacy6 = variant != "legacy" && sections.Ok("ip6tables-legacy-save") is { } l6 ? IptablesSaveParser.ParseInputPath(l6, sets) : null,
            Prerouting4 = PreroutingOf(sections.Ok("iptables-save"), variant != "legacy" ? sections.Ok("iptables-legacy-save") : null, nft, IpFamily.IPv4, sets, Skip),
            Prerouting6 = PreroutingOf(sections.Ok("ip6tables-save"), variant != "legacy" ? sections.Ok("ip6tables-legacy-save") : null, nft, IpFamily.IPv6, sets, Skip),
            DockerFirewall = DockerFirewall.Parse(nft, sections.Ok("docker-firewall"), sections.Ok("docker-daemon-json")),
            DockerNftFile = sections.Ok("docker-nft-file"),
            LazyForward4 = new Lazy<ForwardPath?>(() => ForwardOf(sections.Ok("iptables-save"), variant != "legacy" ? sections.Ok("iptables-legacy-save") : null, nft, IpFamily.IPv4, sets, Skip, sections.Ok("ip-forward"))),
            LazyForward6 = new Lazy<ForwardPath?>(() => ForwardOf(sections.Ok("ip6tables-save"), variant != "legacy" ? sections.Ok("ip6tables-legacy-save") : null, nft, IpFamily.IPv6, sets, Skip, sections.Ok("ip6-forward"))),
            Nft4 = SafeNft(nft, IpFamily.IPv4, Skip, devices: NftIngressDevices.Parse(sections.Ok("nft-chains"))),
            Nft6 = SafeNft(nft, IpFamily.IPv6, Skip, devices: NftIngressDevices.Parse(sections.Ok("nft-chains"))),
            Output = new Lazy<OutputPaths>(() => new OutputPaths(
                sections.Ok("iptables-save") is { } o4 ? IptablesSaveParser.ParseOutputPath(o4, sets) : null,
                sections.Ok("ip6tables-save") is { } o6 ? IptablesSaveParser.ParseOutputPath(o6, sets) : null,
                variant != "legacy" && sections.Ok("iptables-legacy-save") is { } lo4 ? IptablesSaveParser.ParseOutputPath(lo4, sets) : null,
                variant != "legacy" && sections.Ok("ip6tables-legacy-save") is { } lo6 ? IptablesSaveParser.ParseOutputPath(lo6, sets) : null,
                SafeNft(nft, IpFamily.IPv4, Skip, egress: true),
                SafeNft(nft, IpFamily.IPv6, Skip, egress: true))),
            Csf = CsfState.Parse(sections.Text("csf")),
            NftRuleset = nft,
            NftablesEnabledBy = sections.Has("nftables-enabled") ? (sections.Ok("nftables-enabled") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            Forwarding = (Flag(sections.Ok("forward4")), Flag(sections.Ok("forward6"))),
            BootRulePackages = sections.Has("packages")
                ? (sections.Ok("packages") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => l.Split(' ')).Where(w => w.Length == 2 && w[1] is not ("not-installed" or "config-files")).Select(w => w[0]).ToHashSet(StringComparer.Ordinal)
                : null,
            Network = ServerNetwork.Parse(sections.Ok("addresses"), sections.Ok("routes4"), sections.Ok("routes6")) with { Links = ServerNetwork.ParseLinks(sections.Ok("links")) },
            FirewalldInKernelRuleset = firewalldRunning && NftRulesetParser.HasTable(nft, "firewalld"),
            Sshd = SshdSettings.Parse(sections.Ok("sshd-t")),
            AppliedPolicy = AppliedPolicy.Parse(sections.Text("applied-policy")),
            SocketPorts = SshdSettings.ParseSocketPorts(sections.Ok("ssh-socket")),
            Listening = ListeningSocket.Parse(sections.Ok("listening")),
            Fail2Ban = sections.Text("fail2ban"),
            SshLog = SshLogSource.Parse(sections.Ok("ssh-log")),
            FirewallState = FirewallStateLines.From(sections),
        };
    }

    /// <summary>A /proc/sys flag: "1" is true, "0" false, anything else (not read) null.</summary>
    private static bool? Flag(string? text) => text?.Trim() switch
    {
        "0" => false,
        null or "" => null,
        _ => true,
    };

    /// <summary>"nf_tables" when iptables-save's header says so, "legacy" for a header without it, null when nothing is loaded.</summary>
    internal static string? IptablesVariant(string? save)
    {
        var header = save?.Split('\n').FirstOrDefault(l => l.StartsWith("# Generated by ", StringComparison.Ordinal));
        return header is null ? null : header.Contains("(nf_tables)", StringComparison.Ordinal) ? "nf_tables" : "legacy";
    }

    /// <summary>raw's untracking and nat PREROUTING's translations: iptables' (and legacy's next to it), then native nftables'.</summary>
    private static Prerouting? PreroutingOf(string? save, string? legacy, string? nft, IpFamily family, IReadOnlyDictionary<string, IpSet> sets, Func<string, string, bool> skip)
    {
        var targets = new Dictionary<string, NatTarget>(StringComparer.Ordinal);
        Core.Rules.Chains.ChainRuleSet? nftUntracking = null, nftTranslating = null;
        try
        {
            nftUntracking = NftRulesetParser.ParseUntracking(nft, family, skip);
            nftTranslating = NftRulesetParser.ParseTranslation(nft, family, targets, skip);
        }
        catch (System.Text.Json.JsonException)
        {
            // As for the filter chains: an unreadable ruleset is not evaluated.
        }

        return Prerouting.From(
            [save is null ? null : IptablesSaveParser.ParseUntracking(save, sets), legacy is null ? null : IptablesSaveParser.ParseUntracking(legacy, sets, "legacy "), nftUntracking],
            [save is null ? null : IptablesSaveParser.ParseTranslation(save, targets, sets), legacy is null ? null : IptablesSaveParser.ParseTranslation(legacy, targets, sets, "legacy "), nftTranslating],
            targets);
    }

    /// <summary>The forward path: iptables' filter FORWARD (legacy's next to it), native nftables' prerouting and forward chains, the marks set on the way.</summary>
    private static ForwardPath ForwardOf(string? save, string? legacy, string? nft, IpFamily family, IReadOnlyDictionary<string, IpSet> sets, Func<string, string, bool> skip, string? forwarding)
    {
        var marks = new Dictionary<string, NftMarkSet>(StringComparer.Ordinal);
        Core.Rules.Chains.ChainRuleSet? chains = null;
        try
        {
            chains = NftRulesetParser.ParseForward(nft, family, marks, skip);
        }
        catch (System.Text.Json.JsonException)
        {
            // As for the filter chains: an unreadable ruleset is not evaluated.
        }

        var iptables = new List<(string, Core.Rules.Chains.ChainRuleSet)>();
        foreach (var (name, text) in new[] { ("iptables", save), ("iptables-legacy", legacy) })
        {
            if (text is not null && IptablesSaveParser.ParseTable(text, "filter", "FORWARD", sets) is { } forward)
            {
                iptables.Add((name, forward));
            }
        }

        // iptables' MARK and CONNMARK (mangle, or anywhere) set marks this path does not follow.
        var otherMarks = new[] { save, legacy }.Any(t => t is not null && (t.Contains(" -j MARK", StringComparison.Ordinal) || t.Contains(" -j CONNMARK", StringComparison.Ordinal)));
        bool? on = forwarding?.Trim() switch { "0" => false, null or "" => null, _ => true };
        return new ForwardPath(iptables, chains, marks, otherMarks, on);
    }

    private static Core.Rules.Chains.ChainRuleSet? SafeNft(string? json, IpFamily family, Func<string, string, bool> skip, bool egress = false,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? devices = null)
    {
        try
        {
            return egress ? NftRulesetParser.ParseOutput(json, family, skip) : NftRulesetParser.ParseInput(json, family, skip, devices);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
