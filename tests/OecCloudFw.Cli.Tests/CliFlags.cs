using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>The command-line flags that name a test server and a fake cloud layer, as the tests pass them.</summary>
internal static class CliFlags
{
    /// <summary>The server over SSH, as root with its test key and its real host key.</summary>
    public static string[] Server(TestServer server) => ["--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

    /// <summary>A security group of the fake EC2 endpoint as the cloud layer.</summary>
    public static string[] Aws(FakeEc2 ec2, string group) => ["--aws-group", group, "--aws-region", "eu-west-1", "--aws-endpoint-url", ec2.Url.ToString()];
}
