using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// Docker's published ports follow the policy where Docker writes its rules with nftables (Docker 29's nftables firewall
/// backend: <c>ip</c>/<c>ip6 docker-bridges</c> tables, no DOCKER-USER chain). The tool's own table <c>inet oecfw-docker</c>
/// holds one base chain on the forward hook at priority -1, just before Docker's filter-FORWARD (priority filter, 0):
/// what comes from Docker's bridges and replies pass on; new connections to the policy's ports (matched on the
/// original destination port, conntrack's <c>ct original proto-dst</c>, so no container address is needed) from the
/// policy's sources pass on, marked with the mark of Docker's <c>bridge-accept-fwmark</c> when daemon.json sets one (Docker
/// then accepts them by that mark); every other new connection into a Docker bridge is dropped. Docker never touches
/// this table (a Docker restart keeps it); a reboot reloads it from the file Docker's unit loads after each start (a
/// drop-in), and the nftables frontend saves it with the ruleset.
/// </summary>
internal static class DockerNftRules
{
    public const string Table = "oecfw-docker";

    /// <summary>Docker 29's filter-FORWARD base chain is at priority filter (0) (nftabler.go): this chain runs first.</summary>
    public const int Priority = -1;

    /// <summary>The table as nft -f loads it, kept where Docker's unit loads it after each start.</summary>
    public const string FilePath = "/etc/oec-cloudfw/docker-nft.nft";

    /// <summary>The drop-in: after Docker starts, the table is loaded (a failure there never fails Docker's start).</summary>
    public const string DropInText =
        "# oec-cloudfw: Docker's published ports follow the policy (table inet oecfw-docker), loaded after each Docker start.\n" +
        "[Service]\n" +
        "ExecStartPost=-/bin/sh -c 'nft -f " + FilePath + "'\n";

    /// <summary>The chain's rules (nft syntax, in order); the first carries the digest of them all, so the loaded table can be recognised.</summary>
    public static IReadOnlyList<string> Rules(ServerPolicy policy, string? acceptFwMark)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var mark = acceptFwMark is null ? null : DockerFirewall.Mark(acceptFwMark);
        var set = mark switch
        {
            null => string.Empty,
            { Mask: uint.MaxValue } m => $" meta mark set {Hex(m.Mark)}",
            { } m => $" meta mark set meta mark & {Hex(~m.Mask)} | {Hex(m.Mark & m.Mask)}",
        };
        var rules = new List<string>
        {
            "iifname \"docker0\" accept",
            "iifname \"br-*\" accept",
            "ct state established,related accept",
        };
        foreach (var requirement in policy.Requirements.Where(r => r.Protocol is Protocol.Tcp or Protocol.Udp))
        {
            var ports = requirement.Ports.IsSingle
                ? requirement.Ports.From.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{requirement.Ports.From}-{requirement.Ports.To}");
            foreach (var source in requirement.Sources.Distinct())
            {
                var from = source.IsInternet
                    ? (source.Family == IpFamily.IPv4 ? "meta nfproto ipv4" : "meta nfproto ipv6")
                    : $"{(source.Family == IpFamily.IPv4 ? "ip" : "ip6")} saddr {source}";
                rules.Add($"meta l4proto {requirement.Protocol.ToName()} {from} ct original proto-dst {ports}{set} accept");
            }
        }

        rules.Add("oifname \"docker0\" ct state new drop");
        rules.Add("oifname \"br-*\" ct state new drop");
        var distinct = rules.Distinct(StringComparer.Ordinal).ToList();
        distinct[0] += $" comment \"oec-cloudfw {Digest(distinct)}\"";
        return distinct;
    }

    /// <summary>The file: the table replaced as a whole, in one transaction.</summary>
    public static string File(IReadOnlyList<string> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var text = new StringBuilder()
            .Append("#!/usr/sbin/nft -f\n# oec-cloudfw: Docker's published ports follow the policy. Written by server configure; loaded by Docker's unit after each start.\n")
            .Append(CultureInfo.InvariantCulture, $"table inet {Table}\ndelete table inet {Table}\ntable inet {Table} {{\n\tchain forward {{\n")
            .Append(CultureInfo.InvariantCulture, $"\t\ttype filter hook forward priority {Priority}; policy accept;\n");
        foreach (var rule in rules)
        {
            text.Append("\t\t").Append(rule).Append('\n');
        }

        return text.Append("\t}\n}\n").ToString();
    }

    /// <summary>The commands that make the kernel and the files hold the table (none when they already do).</summary>
    public static IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy, string backend)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var rules = Rules(policy, facts.DockerFirewall.AcceptFwMark);
        var file = File(rules);
        var commands = new List<string>();
        // The probe's sections come without their last newline.
        if (facts.DockerNftFile != file.TrimEnd('\n') || facts.DockerUserPersisted.DropIn != DropInText.TrimEnd('\n'))
        {
            commands.Add($"mkdir -p /etc/oec-cloudfw && printf '%s' {ShellQuote.Quote(file)} > {FilePath}");
            commands.Add($"mkdir -p {DockerUserRules.DropInDirectory} && printf '%s' {ShellQuote.Quote(DropInText)} > {DockerUserRules.DropInDirectory}/oec-cloudfw.conf && " +
                         "{ [ ! -d /run/systemd/system ] || systemctl daemon-reload; }");
        }

        var loaded = facts.DockerFirewall.OwnTable is { } own && own.Rules == rules.Count && own.Comment == Comment(rules[0]);
        if (!loaded)
        {
            commands.Add($"nft -f {FilePath}");
        }

        if (backend == "nftables" && commands.Count > 0)
        {
            // The nftables frontend keeps the whole ruleset in /etc/nftables.conf: with this table in it.
            commands.Add(NftablesBackend.SaveCommand);
        }

        return commands;
    }

    private static string? Comment(string rule)
    {
        var at = rule.IndexOf(" comment \"", StringComparison.Ordinal);
        return at < 0 ? null : rule[(at + 10)..^1];
    }

    private static string Hex(uint value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static string Digest(IEnumerable<string> rules) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rules))))[..16];
}
