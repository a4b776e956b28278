namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>A variable of an Ansible inventory as read: its text (or the items of a list) and the line it is on.</summary>
internal sealed record AnsibleValue(IReadOnlyList<string> Items, bool IsList, int Line)
{
    /// <summary>The value as one string (a list's items joined by commas).</summary>
    public string Text => string.Join(',', Items);
}

/// <summary>A group: its own vars, its children (group names) and its hosts (names), as the inventory declares them.</summary>
internal sealed class AnsibleGroup(string name, int line)
{
    public string Name { get; } = name;

    public int Line { get; set; } = line;

    public Dictionary<string, AnsibleValue> Vars { get; } = new(StringComparer.Ordinal);

    public List<string> Children { get; } = [];

    public List<string> Hosts { get; } = [];

    /// <summary>Ansible's <c>ansible_group_priority</c>: among groups of one depth, the higher wins (default 1).</summary>
    public int Priority => Vars.TryGetValue("ansible_group_priority", out var p) && int.TryParse(p.Text, out var v) ? v : 1;
}

/// <summary>A host: where it is first declared, its port from <c>host:port</c>, and its own vars (all its lines merged).</summary>
internal sealed class AnsibleHost(string name, int line)
{
    public string Name { get; } = name;

    public int Line { get; } = line;

    public Dictionary<string, AnsibleValue> Vars { get; } = new(StringComparer.Ordinal);
}

/// <summary>An Ansible inventory as read from INI or YAML, before the vars are combined per host.</summary>
internal sealed class AnsibleModel
{
    public Dictionary<string, AnsibleGroup> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>The hosts in the order they were first declared.</summary>
    public Dictionary<string, AnsibleHost> Hosts { get; } = new(StringComparer.Ordinal);

    public AnsibleGroup Group(string name, int line)
    {
        if (!Groups.TryGetValue(name, out var group))
        {
            Groups[name] = group = new AnsibleGroup(name, line);
        }

        return group;
    }

    /// <summary>Declares a host in a group (the group's list keeps each host once).</summary>
    public AnsibleHost Host(string name, int line, AnsibleGroup group)
    {
        if (!Hosts.TryGetValue(name, out var host))
        {
            Hosts[name] = host = new AnsibleHost(name, line);
        }

        if (!group.Hosts.Contains(name))
        {
            group.Hosts.Add(name);
        }

        return host;
    }
}
