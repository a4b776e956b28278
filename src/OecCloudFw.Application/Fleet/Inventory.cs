using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;
using OecCloudFw.Core.Yaml;
using OecCloudFw.Server.Shells;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace OecCloudFw.Application.Fleet;

/// <summary>
/// A fleet inventory (<c>fleet.yaml</c>): defaults, then one entry per server with its cloud layer. See examples/fleet.yaml.
/// Paths in it (policy, known_hosts, identity) may start with <c>~/</c> (HOME) and are otherwise relative to the
/// inventory's own folder; <c>jump:</c> names the hosts to jump through (<c>user@host:port</c>, comma-separated, outermost first).
/// </summary>
public sealed partial class Inventory
{
    private string _file = "fleet.yaml";
    private IReadOnlyList<ICloudProvider> _providers = [];

    /// <summary>A cloud inventory's connection (the flags'), each server's address its host; null for a file.</summary>
    private SshTarget? _connection;

    public Entry Defaults { get; set; } = new();

    public List<Entry> Servers { get; set; } = [];

    public static Inventory Load(string path, IEnvironment environment, IReadOnlyList<ICloudProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(environment);
        if (!File.Exists(path))
        {
            throw new InvalidInputException(CloudInventorySource.Parse(path, providers) is { } cloud
                ? $"inventory '{path}': a cloud's servers are listed by audit --inventory; here name the server's cloud layer with the --{cloud.Provider.Prefix}-… flags"
                : $"inventory '{path}' not found");
        }

        var text = File.ReadAllText(path);
        var (kind, root) = InventoryFormat.Detect(text, path);
        var inventory = kind == InventoryKind.Fleet ? ReadFleet(text, path, providers) : ReadAnsible(text, root, path, providers);
        inventory._file = path;
        inventory._providers = providers;
        if (inventory.Servers.Count == 0)
        {
            throw new InvalidInputException($"inventory '{path}' lists no servers");
        }

        var missing = inventory.Servers.FindIndex(s => string.IsNullOrWhiteSpace(s.Host));
        if (missing >= 0)
        {
            throw new InvalidInputException($"inventory '{path}': server {(missing + 1).ToString(CultureInfo.InvariantCulture)} has no host: every server needs one");
        }

        // Paths are the inventory's: ~/ from HOME, anything relative from the inventory's folder (not the current one);
        // an Ansible inventory's as ssh takes them from Ansible: relative to the current folder.
        var home = environment.Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var folder = kind == InventoryKind.Fleet ? Path.GetDirectoryName(Path.GetFullPath(path))! : Environment.CurrentDirectory;
        foreach (var entry in inventory.Servers.Prepend(inventory.Defaults))
        {
            entry.Policy = InventoryPath(entry.Policy, home, folder);
            entry.KnownHosts = InventoryPath(entry.KnownHosts, home, folder);
            entry.Identity = InventoryPath(entry.Identity, home, folder);
        }

        foreach (var entry in inventory.Servers)
        {
            _ = inventory.Jumps(entry);
        }

        return inventory;
    }

    /// <summary>Keeps the servers an Ansible host pattern selects (<see cref="HostPattern"/>); null keeps them all.</summary>
    public void Limit(string? pattern)
    {
        if (pattern is not null)
        {
            Servers = [.. HostPattern.Select(pattern, Servers)];
        }
    }

    private static Inventory ReadAnsible(string text, YamlDotNet.RepresentationModel.YamlMappingNode? root, string path, IReadOnlyList<ICloudProvider> providers)
    {
        var model = root is null ? Ansible.AnsibleIniReader.Read(text, path) : Ansible.AnsibleYamlReader.Read(root, path);
        var keys = InventoryShape.ProviderKeys(providers).ToList();
        return new Inventory
        {
            Servers = Ansible.AnsibleHostVars.Entries(
                model,
                path,
                keys.Select(k => k.Key).ToHashSet(StringComparer.Ordinal),
                keys.Where(k => k.Setting.Repeatable).Select(k => k.Key).ToHashSet(StringComparer.Ordinal)),
        };
    }

    private static Inventory ReadFleet(string text, string path, IReadOnlyList<ICloudProvider> providers)
    {
        InventoryShape.Check(text, path, providers);
        Inventory inventory;
        try
        {
            // The connection keys bind to Entry; the providers' keys (checked above) are read as values by their settings.
            inventory = new StaticDeserializerBuilder(new InventoryYamlContext()).WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build()
                .Deserialize<Inventory?>(text) ?? new Inventory();
        }
        catch (YamlException ex)
        {
            throw new InvalidInputException($"inventory '{path}': line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var keys = InventoryShape.ProviderKeys(providers).Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        var (defaults, items) = YamlKeyValues.Read(text, path, "servers", keys);
        inventory.Defaults.Cloud = defaults;
        for (var i = 0; i < Math.Min(items.Count, inventory.Servers.Count); i++)
        {
            inventory.Servers[i].Cloud = items[i];
        }

        return inventory;
    }

    /// <summary>"inventory 'fleet.yaml', server 3 (web-3)": where an error is.</summary>
    public string Where(Entry server) => server?.Name is { } name
        ? server.Line > 0 ? $"inventory '{_file}', host {name} (line {server.Line.ToString(CultureInfo.InvariantCulture)})" : $"inventory '{_file}', host {name}"
        : $"inventory '{_file}', server {(Servers.IndexOf(server!) + 1).ToString(CultureInfo.InvariantCulture)} ({server?.Host})";

    /// <summary>The server's SSH connection as the audit will open it (its jump hosts included); errors name the inventory and the entry.</summary>
    public SshConnectionOptions? Resolve(Entry server, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            return Target(server).Resolve(environment) is { } ssh ? Route(server, ssh) : null;
        }
        catch (InvalidInputException ex)
        {
            throw new InvalidInputException($"{Where(server)}: {ex.Message}", ex);
        }
    }

    /// <summary>The resolved connection of one server with its <c>jump:</c> hosts (none: as resolved).</summary>
    public SshConnectionOptions Route(Entry server, SshConnectionOptions ssh)
    {
        ArgumentNullException.ThrowIfNull(ssh);
        var jumps = Jumps(server);
        return jumps.Count == 0 ? ssh : ssh with
        {
            // Each hop the simple way: user, host and port from the jump string; the entry's keys, known_hosts and policy.
            JumpHosts = jumps.Select(j => new SshConnectionOptions
            {
                Host = j.Host,
                Port = j.Port,
                User = j.User ?? ssh.User,
                // The entry's way of logging in: its key files (and their certificates), its agent, its passphrase.
                IdentityFiles = ssh.IdentityFiles,
                CertificateFiles = ssh.CertificateFiles,
                IdentitiesOnly = ssh.IdentitiesOnly,
                IdentityAgent = ssh.IdentityAgent,
                Passphrase = ssh.Passphrase,
                PassphrasePrompt = ssh.PassphrasePrompt,
                KnownHostsPath = ssh.KnownHostsPath,
                HostKeyPolicy = ssh.HostKeyPolicy,
                ConnectTimeout = ssh.ConnectTimeout,
            }).ToList(),
        };
    }

    /// <summary>The entry's (else the defaults') <c>jump:</c> chain, outermost first, checked.</summary>
    private List<(string? User, string Host, int Port)> Jumps(Entry server)
    {
        var jump = server.Jump ?? Defaults.Jump;
        var hops = new List<(string?, string, int)>();
        if (string.IsNullOrWhiteSpace(jump) || jump.Trim() == "none")
        {
            return hops;
        }

        foreach (var hop in jump.Split(',', StringSplitOptions.TrimEntries))
        {
            var match = JumpPattern().Match(hop);
            var port = match.Success && match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 22;
            if (!match.Success || port is < 1 or > 65535)
            {
                throw new InvalidInputException($"{Where(server)}: jump '{hop}' is not [user@]host[:port] (hops separated by commas, outermost first)");
            }

            hops.Add((match.Groups[1].Success ? match.Groups[1].Value : null, match.Groups[2].Value.Trim('[', ']'), port));
        }

        return hops;
    }

    private static string? InventoryPath(string? path, string home, string folder)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return path;
        }

        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Path.Join(home, path[1..]);
        }

        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(folder, path));
    }

    [GeneratedRegex(@"^(?:([a-z_][a-z0-9_.-]{0,31})@)?([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex JumpPattern();

    /// <summary>The connection of one server, defaults filled in.</summary>
    public SshTarget Target(Entry server) => _connection is { } connection ? connection with { Host = server?.Host } : new(
        server.Host,
        server.Port ?? Defaults.Port,
        server.User ?? Defaults.User,
        server.Identity ?? Defaults.Identity,
        server.PasswordEnv ?? Defaults.PasswordEnv,
        server.KnownHosts ?? Defaults.KnownHosts,
        server.HostKeyPolicy ?? Defaults.HostKeyPolicy ?? "strict");

    /// <summary>
    /// The cloud layer of one server: each provider's keys in the entry; a single-valued setting that does not name the
    /// layer (a region, a resource group, an endpoint) falls back to the defaults'. Messages name the entry and the key.
    /// </summary>
    public CloudFlags Cloud(Entry server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new CloudFlags([.. _providers.Select(provider =>
        {
            var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var setting in provider.Settings.Where(s => !s.VerbOnly))
            {
                var key = setting.InventoryKeyFor(provider.Prefix);
                keys[setting.Name] = key;
                var own = server.Cloud.TryGetValue(key, out var v) ? v : [];
                values[setting.Name] = own.Count == 0 && !setting.NamesLayer && !setting.Repeatable && Defaults.Cloud.TryGetValue(key, out var d) ? d : own;
            }

            return (provider, new ProviderSettings(values, name => $"{Where(server)}: {(keys.TryGetValue(name, out var k) ? k : name)}"));
        })]);
    }

    public sealed class Entry
    {
        public string? Host { get; set; }

        /// <summary>An Ansible inventory's name for the host (its <c>inventory_hostname</c>); null in fleet.yaml, whose entries are named by their host.</summary>
        [YamlIgnore]
        public string? Name { get; set; }

        /// <summary>The line the host is declared on (Ansible inventories), for messages.</summary>
        [YamlIgnore]
        public int Line { get; set; }

        /// <summary>The groups the host is in, its parents' included (<c>all</c> always): what <c>--limit</c> matches.</summary>
        [YamlIgnore]
        public IReadOnlySet<string> Groups { get; set; } = new HashSet<string>(StringComparer.Ordinal) { "all" };

        /// <summary>What the fleet's reports and errors call the server: its Ansible name, else its host.</summary>
        [YamlIgnore]
        public string Label => Name ?? Host ?? "";

        /// <summary>Why the server cannot be reached (a cloud server without an address of the kind <c>--address</c> chose): its error in the fleet's report.</summary>
        [YamlIgnore]
        public string? Unreachable { get; set; }

        /// <summary>True for a server listed from a cloud: its report names it by <see cref="Name"/> (its address may change), not by its host.</summary>
        [YamlIgnore]
        public bool Listed { get; set; }

        /// <summary>The providers' keys of this entry, as read (<see cref="Cloud"/> makes them the cloud layer).</summary>
        [YamlIgnore]
        public IReadOnlyDictionary<string, IReadOnlyList<string>> Cloud { get; set; } = new Dictionary<string, IReadOnlyList<string>>();

        public int? Port { get; set; }

        public string? User { get; set; }

        public string? Identity { get; set; }

        public string? PasswordEnv { get; set; }

        public string? KnownHosts { get; set; }

        public string? HostKeyPolicy { get; set; }

        public string? Policy { get; set; }

        /// <summary>Hosts to jump through: <c>user@host:port</c>, comma-separated, outermost first (<c>none</c>: no jump, overriding the defaults').</summary>
        public string? Jump { get; set; }
    }
}
