using System.Globalization;
using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>
/// Each host's variables combined as Ansible combines them — all, then parent groups, then child groups (by depth, then
/// <c>ansible_group_priority</c>, then name), then the host's own — and turned into fleet entries: <c>ansible_host</c>,
/// <c>ansible_port</c>, <c>ansible_user</c>, <c>ansible_ssh_private_key_file</c>, <c>ansible_ssh_common_args</c> /
/// <c>ansible_ssh_extra_args</c> (<see cref="AnsibleSshArgs"/>) and the providers' own keys. Sources: docs.ansible.com,
/// "How to build your inventory" ("How variables are merged", "Connecting to hosts: behavioral inventory parameters").
/// </summary>
internal static class AnsibleHostVars
{
    /// <summary>What no fleet audit can do: a clear refusal naming the host, the line and what to do instead.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["ansible_password"] = "passwords in the inventory are not read: log in with a key or the ssh-agent",
        ["ansible_ssh_pass"] = "passwords in the inventory are not read: log in with a key or the ssh-agent",
        ["ansible_ssh_password"] = "passwords in the inventory are not read: log in with a key or the ssh-agent",
    };

    public static List<Inventory.Entry> Entries(AnsibleModel model, string path, IReadOnlySet<string> providerKeys, IReadOnlySet<string> repeatableKeys)
    {
        var parents = model.Groups.Keys.ToDictionary(g => g, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var group in model.Groups.Values)
        {
            foreach (var child in group.Children)
            {
                parents[child].Add(group.Name);
            }
        }

        foreach (var (name, list) in parents.Where(p => p.Key != "all" && p.Value.Count == 0))
        {
            list.Add("all");
        }

        var depths = new Dictionary<string, int>(StringComparer.Ordinal) { ["all"] = 0 };
        foreach (var group in model.Groups.Keys)
        {
            Depth(group, parents, depths, [], path, model);
        }

        var entries = new List<Inventory.Entry>();
        foreach (var host in model.Hosts.Values)
        {
            var groups = new HashSet<string>(StringComparer.Ordinal) { "all" };
            var pending = new Stack<string>(model.Groups.Values.Where(g => g.Hosts.Contains(host.Name)).Select(g => g.Name));
            while (pending.TryPop(out var group))
            {
                if (groups.Add(group))
                {
                    parents[group].ForEach(pending.Push);
                }
            }

            if (groups.All(g => g is "all" or "ungrouped"))
            {
                groups.Add("ungrouped");
            }

            var vars = new Dictionary<string, AnsibleValue>(StringComparer.Ordinal);
            foreach (var group in groups.Select(g => model.Groups[g]).OrderBy(g => depths[g.Name]).ThenBy(g => g.Priority).ThenBy(g => g.Name, StringComparer.Ordinal))
            {
                foreach (var (key, value) in group.Vars)
                {
                    vars[key] = value;
                }
            }

            foreach (var (key, value) in host.Vars)
            {
                vars[key] = value;
            }

            entries.Add(Entry(host, groups, vars, path, providerKeys, repeatableKeys));
        }

        return entries;
    }

    private static Inventory.Entry Entry(AnsibleHost host, HashSet<string> groups, Dictionary<string, AnsibleValue> vars, string path, IReadOnlySet<string> providerKeys, IReadOnlySet<string> repeatableKeys)
    {
        string Where(AnsibleValue value, string message) =>
            $"inventory '{path}': line {value.Line.ToString(CultureInfo.InvariantCulture)}: host {host.Name}: {message}";

        string? Text(params string[] keys)
        {
            foreach (var key in keys)
            {
                if (vars.TryGetValue(key, out var value))
                {
                    return value.Text.Contains("{{", StringComparison.Ordinal)
                        ? throw new InvalidInputException(Where(value, $"{key} is a template ('{value.Text}'): Ansible's templates are not evaluated here; write the value out"))
                        : value.Text;
                }
            }

            return null;
        }

        foreach (var (key, reason) in Refused)
        {
            if (vars.TryGetValue(key, out var value))
            {
                throw new InvalidInputException(Where(value, $"{key}: {reason}"));
            }
        }

        if (vars.TryGetValue("ansible_connection", out var connection)
            && connection.Text is not ("ssh" or "smart" or "paramiko" or "ansible.builtin.ssh" or "ansible.builtin.paramiko_ssh" or "paramiko_ssh"))
        {
            throw new InvalidInputException(Where(connection, connection.Text is "local" or "ansible.builtin.local"
                ? "ansible_connection=local: audit this machine with --local instead of an inventory entry"
                : $"ansible_connection={connection.Text}: the audit reaches servers over SSH only (ssh, smart or paramiko)"));
        }

        int? port = null;
        if (Text("ansible_port", "ansible_ssh_port") is { } portText)
        {
            port = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535 ? p
                : throw new InvalidInputException(Where(vars.GetValueOrDefault("ansible_port") ?? vars["ansible_ssh_port"], $"ansible_port '{portText}' is not 1-65535"));
        }

        var ssh = new AnsibleSshArgs();
        foreach (var key in (string[])["ansible_ssh_common_args", "ansible_ssh_extra_args"])
        {
            if (Text(key) is { } args)
            {
                ssh.Read(args, message => Where(vars[key], $"{key}: {message}"));
            }
        }

        var cloud = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var key in providerKeys)
        {
            if (vars.TryGetValue(key, out var value))
            {
                _ = Text(key);
                // A list, or in INI a comma-separated value, for a setting that repeats; one value otherwise.
                var items = value.IsList || repeatableKeys.Contains(key)
                    ? value.Items.SelectMany(i => i.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList()
                    : value.Items.ToList();
                if (!repeatableKeys.Contains(key) && items.Count > 1)
                {
                    throw new InvalidInputException(Where(value, $"{key} takes one value, not a list"));
                }

                cloud[key] = items;
            }
        }

        return new Inventory.Entry
        {
            Name = host.Name,
            Line = host.Line,
            Groups = groups,
            Host = Text("ansible_host", "ansible_ssh_host") ?? host.Name,
            Port = port,
            User = Text("ansible_user", "ansible_ssh_user", "ansible_remote_user"),
            Identity = Text("ansible_ssh_private_key_file", "ansible_private_key_file"),
            KnownHosts = ssh.KnownHosts,
            HostKeyPolicy = ssh.HostKeyPolicy,
            Jump = ssh.Jump,
            Cloud = cloud,
        };
    }

    private static int Depth(string group, Dictionary<string, List<string>> parents, Dictionary<string, int> depths, HashSet<string> visiting, string path, AnsibleModel model)
    {
        if (depths.TryGetValue(group, out var known))
        {
            return known;
        }

        if (!visiting.Add(group))
        {
            throw new InvalidInputException($"inventory '{path}': line {model.Groups[group].Line.ToString(CultureInfo.InvariantCulture)}: group '{group}' is its own ancestor (a loop of children)");
        }

        var depth = 1 + parents[group].Max(p => Depth(p, parents, depths, visiting, path, model));
        visiting.Remove(group);
        return depths[group] = depth;
    }
}
