using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>
/// What the audit follows in <c>ansible_ssh_common_args</c> / <c>ansible_ssh_extra_args</c> (the ssh command line
/// Ansible adds): the jump hosts (<c>-J</c>, <c>-o ProxyJump=…</c>), <c>-o UserKnownHostsFile=…</c> and
/// <c>-o StrictHostKeyChecking=…</c>. A <c>ProxyCommand</c> cannot be followed (exit 2: use ProxyJump); other options
/// are left to the operator's ssh configuration. Sources: docs.ansible.com, "How to build your inventory" (behavioral
/// inventory parameters) and the Ansible FAQ "How do I configure a jump host to access servers that I have no direct
/// access to?"; ssh(1) and ssh_config(5) for the options.
/// </summary>
internal sealed class AnsibleSshArgs
{
    /// <summary>ssh's options that take an argument (ssh(1) synopsis): their argument is skipped.</summary>
    private const string WithArgument = "BbcDEeFIiJLlmOopQRSWw";

    public string? Jump { get; private set; }

    public string? KnownHosts { get; private set; }

    public string? HostKeyPolicy { get; private set; }

    public void Read(string args, Func<string, string> where)
    {
        var words = AnsibleIniReader.Words(args, where);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Length < 2 || word[0] != '-')
            {
                continue;
            }

            var flag = word[1];
            var value = word.Length > 2 ? word[2..] : WithArgument.Contains(flag, StringComparison.Ordinal) && i + 1 < words.Count ? words[++i] : null;
            if (flag == 'J' && value is not null)
            {
                Jump = JumpOf(value);
            }
            else if (flag == 'o' && value is not null)
            {
                Option(value, where);
            }
        }
    }

    private void Option(string option, Func<string, string> where)
    {
        var cut = option.IndexOfAny(['=', ' ', '\t']);
        if (cut <= 0)
        {
            return;
        }

        var key = option[..cut].Trim();
        var value = option[(cut + 1)..].Trim().TrimStart('=').Trim();
        switch (key.ToLowerInvariant())
        {
            case "proxyjump":
                Jump = JumpOf(value);
                break;
            case "proxycommand" when !value.Equals("none", StringComparison.OrdinalIgnoreCase):
                throw new InvalidInputException(where($"ProxyCommand '{value}' cannot be followed: name the jump host with -o ProxyJump=user@host:port (or -J)"));
            case "userknownhostsfile":
                KnownHosts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                break;
            case "stricthostkeychecking":
                HostKeyPolicy = value.ToLowerInvariant() switch
                {
                    "yes" or "ask" => "strict",
                    "accept-new" => "accept-new",
                    "no" or "off" => "off",
                    _ => throw new InvalidInputException(where($"StrictHostKeyChecking '{value}' is not yes, ask, accept-new, no or off")),
                };
                break;
        }
    }

    /// <summary>ProxyJump's hops (<c>[ssh://][user@]host[:port]</c>, comma-separated) in the inventory's <c>jump:</c> spelling.</summary>
    private static string JumpOf(string value) =>
        string.Join(',', value.Split(',', StringSplitOptions.TrimEntries).Select(h => h.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) ? h[6..].TrimEnd('/') : h));
}
