using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Providers;
using OecCloudFw.Core;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Ansible inventories read by <c>--inventory</c>: the examples are transcribed from Ansible's documentation
/// (docs.ansible.com, "How to build your inventory" — the basic INI/YAML inventory, "Adding ranges of hosts",
/// "Assigning a variable to one machine: host variables", "Inheriting variable values: group variables for groups of
/// groups", "How variables are merged" — and "Patterns: targeting hosts and groups" for <c>--limit</c>).
/// </summary>
public sealed class AnsibleInventoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oecfw-ansible-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>"How to build your inventory", Inventory basics: the INI example.</summary>
    private const string BasicIni = """
        mail.example.com

        [webservers]
        foo.example.com
        bar.example.com

        [dbservers]
        one.example.com
        two.example.com
        three.example.com
        """;

    /// <summary>"How to build your inventory", Inventory basics: the same inventory in YAML.</summary>
    private const string BasicYaml = """
        all:
          hosts:
            mail.example.com:
          children:
            webservers:
              hosts:
                foo.example.com:
                bar.example.com:
            dbservers:
              hosts:
                one.example.com:
                two.example.com:
                three.example.com:
        """;

    [Theory]
    [InlineData(BasicIni)]
    [InlineData(BasicYaml)]
    public void Load_DocsBasicInventory_HostsAndGroupsAsAnsibleHasThem(string text)
    {
        var inventory = Load(text, "hosts");

        Assert.Equal(["mail.example.com", "foo.example.com", "bar.example.com", "one.example.com", "two.example.com", "three.example.com"], inventory.Servers.Select(s => s.Name));
        Assert.Equal(inventory.Servers.Select(s => s.Name), inventory.Servers.Select(s => s.Host));
        Assert.Equal(["all", "ungrouped"], Server(inventory, "mail.example.com").Groups.Order(StringComparer.Ordinal));
        Assert.Equal(["all", "webservers"], Server(inventory, "bar.example.com").Groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_DocsHostVariablesAndPorts_ConnectionFromTheVars()
    {
        // "Assigning a variable to one machine: host variables" and "Inventory aliases"; "badwolf.example.com:5309".
        var inventory = Load("""
            [targets]
            localhost              ansible_connection=ssh        ansible_user=myuser
            other1.example.com     ansible_connection=ssh        ansible_user=myuser
            badwolf.example.com:5309
            jumper ansible_port=5555 ansible_host=192.0.2.50
            """, "hosts.ini");

        Assert.Equal(5309, Server(inventory, "badwolf.example.com").Port);
        var jumper = Server(inventory, "jumper");
        Assert.Equal(("192.0.2.50", 5555), (jumper.Host, jumper.Port));
        Assert.Equal("myuser", Server(inventory, "other1.example.com").User);
        Assert.Equal("192.0.2.50", inventory.Target(jumper).Host);
    }

    [Fact]
    public void Load_DocsRanges_ExpandedWithTheirWidth()
    {
        // "Adding ranges of hosts": www[01:50].example.com, db-[a:f].example.com; the stride www[01:50:2].
        var inventory = Load("""
            [webservers]
            www[01:50].example.com

            [databases]
            db-[a:f].example.com

            [odd]
            www[01:50:2].example.com
            """, "hosts");

        var web = inventory.Servers.Where(s => s.Groups.Contains("webservers")).Select(s => s.Name).ToList();
        Assert.Equal(50, web.Count);
        Assert.Equal(("www01.example.com", "www50.example.com"), (web[0], web[^1]));
        Assert.Equal(["db-a.example.com", "db-b.example.com", "db-c.example.com", "db-d.example.com", "db-e.example.com", "db-f.example.com"],
            inventory.Servers.Where(s => s.Groups.Contains("databases")).Select(s => s.Name));
        Assert.Equal(["www01.example.com", "www03.example.com", "www49.example.com"],
            inventory.Servers.Where(s => s.Groups.Contains("odd")).Select(s => s.Name!).Where(n => n is "www01.example.com" or "www03.example.com" or "www49.example.com" or "www02.example.com"));
    }

    [Fact]
    public void Load_DocsGroupsOfGroups_ChildOverridesParentOverridesAll_HostWins()
    {
        // "Inheriting variable values: group variables for groups of groups" (INI), with vars at each level to show
        // "How variables are merged": all < parent group < child group < host.
        var inventory = Load("""
            [atlanta]
            host1
            host2 ansible_user=hostuser

            [raleigh]
            host2
            host3

            [southeast:children]
            atlanta
            raleigh

            [southeast:vars]
            some_server=foo.southeast.example.com
            halon_system_timeout=30
            ansible_user=southeast
            ansible_port=2200

            [atlanta:vars]
            ansible_user=atlanta

            [usa:children]
            southeast
            northeast

            [usa:vars]
            ansible_user=usa
            ansible_port=2300

            [all:vars]
            ansible_user=everyone
            ansible_ssh_private_key_file=/keys/fleet
            """, "hosts");

        Assert.Equal(("atlanta", 2200), (Server(inventory, "host1").User, Server(inventory, "host1").Port));
        Assert.Equal("hostuser", Server(inventory, "host2").User);
        Assert.Equal(("southeast", 2200), (Server(inventory, "host3").User, Server(inventory, "host3").Port));
        Assert.Equal("/keys/fleet", Server(inventory, "host3").Identity);
        Assert.Equal(["all", "atlanta", "raleigh", "southeast", "usa"], Server(inventory, "host2").Groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_YamlGroupVarsAndChildren_SamePrecedence()
    {
        // "How to build your inventory": the YAML form of group variables and nested children.
        var inventory = Load("""
            all:
              vars:
                ansible_user: everyone
              children:
                usa:
                  vars:
                    ansible_port: 2300
                  children:
                    southeast:
                      vars:
                        ansible_port: 2200
                      children:
                        atlanta:
                          hosts:
                            host1:
                            host2:
                              ansible_host: 192.0.2.2
                              ansible_user: hostuser
                              aws_groups: [sg-0123456789abcdef0, sg-0123456789abcdef1]
                              aws_region: eu-west-1
            """, "inventory.yml");

        Assert.Equal(("everyone", 2200), (Server(inventory, "host1").User, Server(inventory, "host1").Port));
        var host2 = Server(inventory, "host2");
        Assert.Equal(("192.0.2.2", "hostuser"), (host2.Host, host2.User));
        Assert.Equal(["sg-0123456789abcdef0", "sg-0123456789abcdef1"], host2.Cloud["aws_groups"]);
        Assert.False(inventory.Cloud(host2).IsEmpty);
        Assert.True(inventory.Cloud(Server(inventory, "host1")).IsEmpty);
    }

    [Fact]
    public void Load_SshCommonArgs_ProxyJumpKnownHostsAndChecking()
    {
        // The Ansible FAQ's jump host: ansible_ssh_common_args='-o ProxyCommand=…' is not followable; ProxyJump and -J are.
        var inventory = Load("""
            [behind]
            a ansible_host=10.0.0.1 ansible_ssh_common_args='-o ProxyJump=admin@bastion.example.net:2222 -o UserKnownHostsFile=/tmp/kh -o StrictHostKeyChecking=accept-new'
            b ansible_host=10.0.0.2 ansible_ssh_common_args="-J ssh://ops@bastion.example.net"
            c ansible_host=10.0.0.3 ansible_ssh_extra_args="-o ServerAliveInterval=5"
            """, "hosts");

        var a = Server(inventory, "a");
        Assert.Equal(("admin@bastion.example.net:2222", "/tmp/kh", "accept-new"), (a.Jump, a.KnownHosts, a.HostKeyPolicy));
        Assert.Equal("ops@bastion.example.net", Server(inventory, "b").Jump);
        Assert.Null(Server(inventory, "c").Jump);
    }

    [Theory]
    [InlineData("[w]\nweb1 ansible_connection=winrm", "line 2: host web1: ansible_connection=winrm")]
    [InlineData("[w]\nweb1 ansible_host=192.0.2.1\n[w:vars]\nansible_password=hunter2", "line 4: host web1: ansible_password")]
    [InlineData("[w]\nweb1 ansible_ssh_common_args='-o ProxyCommand=\"ssh -W %h:%p bastion\"'", "line 2: host web1: ansible_ssh_common_args: ProxyCommand")]
    [InlineData("[w]\nweb1 ansible_port=http", "line 2: host web1: ansible_port 'http' is not 1-65535")]
    [InlineData("[w]\nweb1 ansible_host=\"{{ lookup('env', 'X') }}\"", "line 2: host web1: ansible_host is a template")]
    [InlineData("[w]\nweb1 stray", "line 2: host web1: 'stray' is not a key=value host variable")]
    [InlineData("[w:var]\nweb1", "line 1: section [w:var] has an unknown type")]
    [InlineData("all:\n  hosts:\n    web1:\n  host:\n    web2:\n", "line 4: 'host' in group 'all' is not hosts:, vars: or children:")]
    [InlineData("all:\n  children:\n    a:\n      hosts:\n        web[3:1]:\n", "line 5: host range '[3:1]'")]
    public void Load_WhatCannotWork_ExitTwoNamingTheFileLineAndHost(string text, string expected)
    {
        var error = Assert.Throws<InvalidInputException>(() => Load(text, "hosts"));

        Assert.Contains($"inventory '{Path.Combine(_folder, "hosts")}': {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownAnsibleAndApplicationVars_Ignored()
    {
        var inventory = Load("[w]\nweb1 ansible_python_interpreter=/usr/bin/python3 ansible_become=true ntp_server=ntp.example.com\n", "hosts");

        Assert.Equal("web1", Assert.Single(inventory.Servers).Host);
    }

    [Fact]
    public void Load_FleetYamlStillItsOwnFormat_AndAGroupNamedServersIsAnsible()
    {
        var fleet = Load("servers:\n  - host: 192.0.2.1\n", "fleet.yaml");
        var ansible = Load("servers:\n  hosts:\n    web1:\n", "fleet.yaml");

        Assert.Null(Assert.Single(fleet.Servers).Name);
        Assert.Equal("web1", Assert.Single(ansible.Servers).Name);
    }

    [Theory]
    // "Patterns: targeting hosts and groups": the common patterns table and "Advanced pattern options".
    [InlineData("all", "mail,foo,bar,one,two,three")]
    [InlineData("*", "mail,foo,bar,one,two,three")]
    [InlineData("foo", "foo")]
    [InlineData("foo:bar", "foo,bar")]
    [InlineData("foo,bar", "foo,bar")]
    [InlineData("webservers", "foo,bar")]
    [InlineData("webservers:dbservers", "foo,bar,one,two,three")]
    [InlineData("webservers:!foo", "bar")]
    [InlineData("all:!webservers", "mail,one,two,three")]
    [InlineData("webservers:&staging", "bar")]
    [InlineData("webservers:dbservers:&staging:!two", "bar,three")]
    [InlineData("t*", "two,three")]
    [InlineData("~(one|thr)", "one,three")]
    [InlineData("!dbservers", "mail,foo,bar")]
    [InlineData("db*", "one,two,three")]
    public void Limit_AnsiblePatterns_SelectAsAnsibleDoes(string pattern, string expected)
    {
        var inventory = Load("""
            mail
            [webservers]
            foo
            bar
            [dbservers]
            one
            two
            three
            [staging]
            bar
            two
            three
            """, "hosts");

        inventory.Limit(pattern);

        Assert.Equal(expected.Split(','), inventory.Servers.Select(s => s.Name));
    }

    [Fact]
    public void Limit_MatchesNothing_ExitTwoSayingSo()
    {
        var inventory = Load(BasicIni, "hosts");

        var error = Assert.Throws<InvalidInputException>(() => inventory.Limit("nosuch*"));

        Assert.Contains("--limit 'nosuch*' matches no server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limit_FleetYaml_HostsAndAll()
    {
        var inventory = Load("servers:\n  - host: 192.0.2.1\n  - host: 192.0.2.2\n  - host: web.example.net\n", "fleet.yaml");

        inventory.Limit("192.0.2.*:!192.0.2.2");

        Assert.Equal(["192.0.2.1"], inventory.Servers.Select(s => s.Host));
    }

    private Inventory Load(string text, string name)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return Inventory.Load(path, new Environment(_folder), CloudProviders.For(new Azure.AzureConnection()));
    }

    private static Inventory.Entry Server(Inventory inventory, string name) => inventory.Servers.Single(s => s.Name == name);

    private sealed class Environment(string home) : IEnvironment
    {
        public string? Variable(string name) => name == "HOME" ? home : null;
    }
}
