using System.Globalization;
using System.Text;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// Makes Docker's published ports obey the policy. Docker DNATs a published port and forwards it past INPUT, so ufw's
/// (or any INPUT) rules never see it; DOCKER-USER is the chain Docker leaves to the operator. The tool's own chain
/// OECFW-DOCKER, jumped to first from DOCKER-USER, lets through what comes from Docker's bridges (the containers' own
/// connections) and replies, admits new connections to the policy's ports from the policy's sources, matched on the
/// original destination port (conntrack's ctorigdstport: no container address, so the rules hold across container
/// restarts and address changes), and drops every other new connection. IPv4 and IPv6 (where Docker's IPv6 uses
/// ip6tables). Kept in ufw's after.rules / after6.rules where UFW is the frontend, so ufw reload, a reboot and a Docker
/// restart keep them; with the iptables, nftables and firewalld frontends, loaded live by a script that Docker's unit
/// also runs after every start (a drop-in), so a reboot and a Docker restart keep them (the iptables frontend saves them
/// with its rules too).
/// </summary>
internal static class DockerUserRules
{
    public const string Chain = "OECFW-DOCKER";

    private const string Begin = "# BEGIN oec-cloudfw: Docker-published ports follow the policy (DOCKER-USER)";
    private const string End = "# END oec-cloudfw";

    /// <summary>OECFW-DOCKER's rules for one family, exactly as iptables-save prints them.</summary>
    public static IReadOnlyList<string> Rules(ServerPolicy policy, IpFamily family)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var rules = new List<string>
        {
            $"-A {Chain} -i docker0 -j RETURN",
            $"-A {Chain} -i br-+ -j RETURN",
            $"-A {Chain} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        };
        foreach (var requirement in policy.Requirements.Where(r => r.Protocol is Protocol.Tcp or Protocol.Udp))
        {
            var ports = requirement.Ports.IsSingle
                ? requirement.Ports.From.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{requirement.Ports.From}:{requirement.Ports.To}");
            foreach (var source in requirement.Sources.Where(s => s.Family == family).Distinct())
            {
                var from = source.IsInternet ? string.Empty : $" -s {source}";
                rules.Add($"-A {Chain}{from} -p {requirement.Protocol.ToName()} -m conntrack --ctorigdstport {ports} -j RETURN");
            }
        }

        rules.Add($"-A {Chain} -m conntrack --ctstate NEW -j DROP");
        return rules.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The commands that bring DOCKER-USER to the policy (none when it already is, or when there is no Docker): those to
    /// run before the frontend's own commands (ufw's after.rules, which enabling ufw loads) and those after them (a ufw
    /// reload, or the live chains).
    /// </summary>
    public static (IReadOnlyList<string> Before, IReadOnlyList<string> After) Plan(ServerFacts facts, ServerPolicy policy, string backend, DockerMode mode)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        if (mode == DockerMode.Leave || !facts.DockerRunning || backend is not ("ufw" or "iptables" or "nftables" or "firewalld"))
        {
            return ([], []);
        }

        if (facts.DockerFirewall.Nftables)
        {
            // Docker 29's nftables backend has no DOCKER-USER: the tool's own nftables table before Docker's forward chain.
            return ([], DockerNftRules.Plan(facts, policy, backend));
        }

        var v4 = Rules(policy, IpFamily.IPv4);
        var v6 = Rules(policy, IpFamily.IPv6);
        var before = new List<string>();
        var commands = new List<string>();
        if (backend == "ufw")
        {
            var fileV4 = Block(v4);
            var fileV6 = Block(v6);
            var filesRight = Contains(facts.UfwAfterRules.V4, fileV4) && Contains(facts.UfwAfterRules.V6, fileV6);
            if (!filesRight)
            {
                before.Add(WriteBlock("/etc/ufw/after.rules", fileV4));
                before.Add(WriteBlock("/etc/ufw/after6.rules", fileV6));
            }

            // Loaded by ufw itself: when it is enabled by this plan (ufw-init reads after.rules), or by a reload now.
            if ((!filesRight || !Loaded(facts.IptablesSave4, v4) || !Loaded(facts.IptablesSave6, v6)) && facts.UfwActive)
            {
                commands.Add("ufw reload");
            }

            return (before, commands);
        }

        // iptables, nftables and firewalld frontends: Docker writes its chains with iptables whatever the frontend, and
        // none of them keeps DOCKER-USER across a reboot. The chain's loader is a script Docker's unit runs after each
        // start (a reboot, a Docker restart), written once; it is run now when the kernel does not have the chain.
        var script = Script(v4, v6);
        // The probe's sections come without their last newline.
        if (facts.DockerUserPersisted.Script != script.TrimEnd('\n') || facts.DockerUserPersisted.DropIn != DropInText.TrimEnd('\n'))
        {
            commands.Add($"mkdir -p /etc/oec-cloudfw && printf '%s' {ShellQuote.Quote(script)} > {ScriptPath} && chmod 755 {ScriptPath}");
            commands.Add($"mkdir -p {DropInDirectory} && printf '%s' {ShellQuote.Quote(DropInText)} > {DropInDirectory}/oec-cloudfw.conf && " +
                         "{ [ ! -d /run/systemd/system ] || systemctl daemon-reload; }");
        }

        var loaded = Loaded(facts.IptablesSave4, v4, forwardFirst: true) && Loaded(facts.IptablesSave6, v6, forwardFirst: true);
        if (!loaded)
        {
            if (backend == "firewalld")
            {
                // Docker answers a firewalld reload by writing its FORWARD rules again, a moment later (and with the
                // jump to DOCKER-USER last): wait until they have settled, then load (which puts the jump first).
                commands.Add("a=; i=0; while [ $i -lt 40 ]; do b=$(iptables -S FORWARD 2>/dev/null); " +
                             "[ -n \"$a\" ] && [ \"$a\" = \"$b\" ] && printf '%s\\n' \"$b\" | grep -q -- '-j DOCKER-USER' && break; a=$b; i=$((i+1)); sleep 0.5; done");
            }

            commands.Add($"sh {ScriptPath}");
        }

        if (backend == "iptables" && (!loaded || commands.Count > 0))
        {
            // The iptables frontend saves its rules: with the chain in them.
            commands.Add(IptablesBackend.SaveCommand(facts));
        }

        return (before, commands);
    }

    /// <summary>The loader Docker's unit runs after each start.</summary>
    public const string ScriptPath = "/etc/oec-cloudfw/docker-user.sh";

    /// <summary>Docker's unit drop-in directory.</summary>
    public const string DropInDirectory = "/etc/systemd/system/docker.service.d";

    /// <summary>The drop-in: after Docker starts (it makes DOCKER-USER), the loader fills it (a failure there never fails Docker's start).</summary>
    public const string DropInText =
        "# oec-cloudfw: Docker's published ports follow the policy (DOCKER-USER), loaded after each Docker start.\n" +
        "[Service]\n" +
        "ExecStartPost=-/bin/sh " + ScriptPath + "\n";

    private static string Script(IReadOnlyList<string> v4, IReadOnlyList<string> v6) =>
        "#!/bin/sh\n# oec-cloudfw: Docker's published ports follow the policy. Written by server configure; run by Docker's unit after each start.\n" +
        Live("iptables", v4) + "\n" + "if command -v ip6tables >/dev/null 2>&1; then " + Live("ip6tables", v6) + "; fi\n";

    /// <summary>True when the chain holds exactly these rules, DOCKER-USER jumps to it first (and FORWARD reaches DOCKER-USER before any accept, when asked).</summary>
    private static bool Loaded(string? save, IReadOnlyList<string> rules, bool forwardFirst = false)
    {
        if (save is null)
        {
            return false;
        }

        var lines = IptablesSaveParser.TableLines(save, "filter");
        var chain = lines.Where(l => l.StartsWith($"-A {Chain} ", StringComparison.Ordinal)).ToList();
        var first = lines.FirstOrDefault(l => l.StartsWith("-A DOCKER-USER ", StringComparison.Ordinal));
        // FORWARD's order as the audit judges it: DOCKER-USER reached before anything accepts.
        return chain.SequenceEqual(rules, StringComparer.Ordinal) && first == $"-A DOCKER-USER -j {Chain}" &&
               (!forwardFirst || Audit.HostFactsReader.DockerUserFirst(save).First);
    }

    /// <summary>after.rules' block: a filter section of its own, declaring DOCKER-USER (ufw starts before Docker at boot).</summary>
    private static string Block(IReadOnlyList<string> rules)
    {
        var text = new StringBuilder();
        text.Append(Begin).Append('\n').Append("*filter\n:DOCKER-USER - [0:0]\n").Append(CultureInfo.InvariantCulture, $":{Chain} - [0:0]\n")
            .Append(CultureInfo.InvariantCulture, $"-A DOCKER-USER -j {Chain}\n");
        foreach (var rule in rules)
        {
            text.Append(rule).Append('\n');
        }

        return text.Append("COMMIT\n").Append(End).Append('\n').ToString();
    }

    private static bool Contains(string? file, string block) =>
        file is not null && file.Replace("\r", string.Empty, StringComparison.Ordinal).Contains(block.TrimEnd('\n'), StringComparison.Ordinal);

    /// <summary>Replaces the tool's block in the file (or appends it): the rest of the file is kept byte for byte.</summary>
    private static string WriteBlock(string path, string block) =>
        $"f={path}; [ -e \"$f\" ] || : > \"$f\"; " +
        $"sed -i '/^{Escape(Begin)}$/,/^{Escape(End)}$/d' \"$f\" && printf '%s' {ShellQuote.Quote(block)} >> \"$f\"";

    /// <summary>Loads the chain live: created or flushed and filled in one iptables-restore, then jumped to first from DOCKER-USER.</summary>
    private static string Live(string command, IReadOnlyList<string> rules)
    {
        var restore = $"*filter\n:{Chain} - [0:0]\n{string.Join('\n', rules)}\nCOMMIT\n";
        return $"{command} -N DOCKER-USER 2>/dev/null; printf '%s' {ShellQuote.Quote(restore)} | {command}-restore -n && " +
               $"{{ {command} -D DOCKER-USER -j {Chain} 2>/dev/null; {command} -I DOCKER-USER 1 -j {Chain}; }}" +
               // FORWARD reaches DOCKER-USER first, as Docker arranges it (a firewalld reload can leave the jump last).
               $" && {{ [ \"$({command} -S FORWARD 2>/dev/null | sed -n 2p)\" = '-A FORWARD -j DOCKER-USER' ] || {{ {command} -D FORWARD -j DOCKER-USER 2>/dev/null; {command} -I FORWARD 1 -j DOCKER-USER; }}; }}";
    }

    /// <summary>A fixed line as a sed basic regular expression (its own text: no quote, no slash).</summary>
    private static string Escape(string text) => text.Replace(".", "\\.", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal)
        .Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);
}
