using OecCloudFw.Azure;
using OecCloudFw.Core;

namespace OecCloudFw.Cli.Commands;

/// <summary>Which NSG(s) and how to reach ARM; shared by every azure verb.</summary>
internal sealed record AzureTarget(
    [Option("nsg", Description = "The network security group's name.")] string? Nsg = null,
    [Option("resource-group", ['g'], Description = "Its resource group.")] string? ResourceGroup = null,
    [Option("vm", Description = "A VM: act on the NSGs of its NICs and their subnets (open changes the NIC's unless --nsg is given).")] string? Vm = null,
    [Option("subscription", Description = "Subscription id (default: AZURE_SUBSCRIPTION_ID).")] string? Subscription = null,
    [Option("endpoint", Description = "Another ARM endpoint: a sovereign cloud, or a test fake (https).")] string? Endpoint = null) : ICommandParameterSet
{
    /// <param name="environment">Where AZURE_SUBSCRIPTION_ID is read.</param>
    /// <param name="flagPrefix">How the calling command spells the flags: "" for the azure verbs, "azure-" for audit.</param>
    public NsgTarget Resolve(IEnvironment environment, string flagPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(environment);
        var group = AzureNames.ResourceGroup(ResourceGroup ?? throw new InvalidInputException("--resource-group (-g) is required"));
        if (Nsg is null && Vm is null)
        {
            throw new InvalidInputException($"name the target: --{flagPrefix}nsg NAME or --{flagPrefix}vm NAME");
        }

        var subscription = AzureNames.Subscription(Subscription ?? environment.Variable("AZURE_SUBSCRIPTION_ID"))
                           ?? throw new InvalidInputException("no subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID");
        return new NsgTarget(subscription, group, Nsg is null ? null : AzureNames.Nsg(Nsg, $"--{flagPrefix}nsg"), Vm is null ? null : AzureNames.Vm(Vm, $"--{flagPrefix}vm"));
    }
}
