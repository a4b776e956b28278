
namespace OecCloudFw.Cli.Commands;

/// <summary>The cloud layer in front of the audited server: AWS security groups or Azure NSGs.</summary>
public sealed record AuditCloudFlags(
    [Option("aws-group", Description = "An AWS security group on the server's ENI (repeatable; the union of all is evaluated).")] string[]? AwsGroup = null,
    [Option("aws-instance", Description = "An EC2 instance: every security group on every one of its ENIs.")] string? AwsInstance = null,
    [Option("aws-region", Aliases = ["region"], Description = "AWS region of the groups (default: the SDK chain).")] string? AwsRegion = null,
    [Option("aws-profile", Aliases = ["profile"], Description = "AWS profile.")] string? AwsProfile = null,
    [Option("aws-endpoint-url", Aliases = ["endpoint-url"], Description = "EC2 endpoint (LocalStack, moto, a fake).")] string? AwsEndpointUrl = null,
    [Option("azure-nsg", Description = "An Azure NSG in front of the server.")] string? AzureNsg = null,
    [Option("azure-vm", Description = "An Azure VM: its NIC and subnet NSGs.")] string? AzureVm = null,
    [Option("resource-group", ['g'], Description = "Resource group of --azure-nsg / --azure-vm.")] string? ResourceGroup = null,
    [Option("subscription", Description = "Azure subscription (default: AZURE_SUBSCRIPTION_ID).")] string? Subscription = null,
    [Option("azure-endpoint", Description = "Another ARM endpoint (https).")] string? AzureEndpoint = null,
    [Option("aws-subnet", Description = "The server's subnet (subnet-…): its network ACL is evaluated too (automatic with --aws-instance; repeatable).")] string[]? AwsSubnet = null) : ICommandParameterSet;
