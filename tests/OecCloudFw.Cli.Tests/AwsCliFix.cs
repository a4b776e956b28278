using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Runs a printed AWS CLI fix as printed, through the SDK against the fake endpoint with exactly the ids, numbers,
/// ranges and region it names (the AWS CLI itself is not installed here). Only the commands the tool prints.
/// </summary>
internal static partial class AwsCliFix
{
    public static async Task RunAsync(string fix, Uri endpoint, CancellationToken cancellationToken)
    {
        var words = fix.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["aws", "ec2"], words[..2]);
        string Arg(string name) => words[Array.IndexOf(words, name) + 1];
        var config = new AmazonEC2Config { ServiceURL = endpoint.ToString(), AuthenticationRegion = Arg("--region"), MaxErrorRetry = 0 };
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials("AKIDTEST", "secret"), config);
        switch (words[2])
        {
            case "revoke-security-group-ingress":
                await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = Arg("--group-id"), SecurityGroupRuleIds = [Arg("--security-group-rule-ids")] }, cancellationToken);
                break;
            case "authorize-security-group-egress":
                var permission = Permission().Match(Arg("--ip-permissions"));
                Assert.True(permission.Success, fix);
                var ip = new IpPermission
                {
                    IpProtocol = permission.Groups["proto"].Value,
                    FromPort = int.Parse(permission.Groups["from"].Value, CultureInfo.InvariantCulture),
                    ToPort = int.Parse(permission.Groups["to"].Value, CultureInfo.InvariantCulture),
                };
                if (permission.Groups["v6"].Success)
                {
                    ip.Ipv6Ranges = [new Ipv6Range { CidrIpv6 = permission.Groups["cidr"].Value }];
                }
                else
                {
                    ip.Ipv4Ranges = [new IpRange { CidrIp = permission.Groups["cidr"].Value }];
                }

                await ec2.AuthorizeSecurityGroupEgressAsync(new AuthorizeSecurityGroupEgressRequest { GroupId = Arg("--group-id"), IpPermissions = [ip] }, cancellationToken);
                break;
            case "create-network-acl-entry":
                var ports = PortRange().Match(Arg("--port-range"));
                var request = new CreateNetworkAclEntryRequest
                {
                    NetworkAclId = Arg("--network-acl-id"),
                    Egress = words.Contains("--egress"),
                    RuleNumber = int.Parse(Arg("--rule-number"), CultureInfo.InvariantCulture),
                    Protocol = Arg("--protocol"),
                    PortRange = new Amazon.EC2.Model.PortRange { From = int.Parse(ports.Groups[1].Value, CultureInfo.InvariantCulture), To = int.Parse(ports.Groups[2].Value, CultureInfo.InvariantCulture) },
                    RuleAction = Arg("--rule-action"),
                };
                if (words.Contains("--cidr-block"))
                {
                    request.CidrBlock = Arg("--cidr-block");
                }
                else
                {
                    request.Ipv6CidrBlock = Arg("--ipv6-cidr-block");
                }

                await ec2.CreateNetworkAclEntryAsync(request, cancellationToken);
                break;
            default:
                Assert.Fail($"not a command the tool prints: {fix}");
                break;
        }
    }

    [GeneratedRegex(@"^IpProtocol=(?<proto>\w+),FromPort=(?<from>\d+),ToPort=(?<to>\d+),(?:IpRanges=\[\{CidrIp=(?<cidr>[^}]+)\}\]|(?<v6>Ipv6Ranges)=\[\{CidrIpv6=(?<cidr>[^}]+)\}\])$")]
    private static partial Regex Permission();

    [GeneratedRegex(@"^From=(\d+),To=(\d+)$")]
    private static partial Regex PortRange();
}
