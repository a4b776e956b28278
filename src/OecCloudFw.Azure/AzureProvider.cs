using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Azure;

/// <summary>Azure behind the provider seam: an NSG, or a VM's NIC and subnet NSGs along each NIC's path.</summary>
/// <param name="connection">How ARM is reached (tests give a fake endpoint's credential and transport).</param>
public sealed class AzureProvider(AzureConnection connection) : ICloudProvider
{
    public string Name => "azure";

    public string Description => "Azure network security groups (by NSG or by VM).";

    public string Prefix => "azure";

    public IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("nsg", "An Azure NSG in front of the server.") { NamesLayer = true },
        new("vm", "An Azure VM: its NIC and subnet NSGs.") { NamesLayer = true },
        new("resource-group", "Resource group of --azure-nsg / --azure-vm (and the only one --inventory azure:tag:… lists, when given).") { LayerFlag = "resource-group", LayerAliases = ["g"], InventoryKey = "resource_group" },
        new("subscription", "Azure subscription (default: AZURE_SUBSCRIPTION_ID).") { LayerFlag = "subscription", InventoryKey = "subscription" },
        new("endpoint", "Another ARM endpoint (https)."),
    ];

    public bool IsNamed(ProviderSettings values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Single("nsg") is not null || values.Single("vm") is not null;
    }

    public void Validate(ProviderSettings values, IEnvironment environment)
    {
        // A resource group or subscription given with no NSG or VM (an inventory's defaults) names nothing to check.
        if (IsNamed(values))
        {
            _ = Target(values, environment);
        }
    }

    public Task<ICloudLayer> CreateAsync(ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        var target = Target(values, context.Environment);
        var endpoint = values.Single("endpoint");
        var key = $"azure|{endpoint}|{target.SubscriptionId}";
        var layer = context.Reads.Client(key, () => new NsgLayer(connection.Connect(endpoint, target.SubscriptionId, context.Time)));
        return Task.FromResult<ICloudLayer>(new NsgCloudLayer(layer, target, values.Flag("nsg"), new PrefixedReadCache(context.Reads, key)));
    }

    public async Task<ProviderSettings?> DiscoverAsync(IEnvironment environment, ProviderSettings given, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(given);
        return await AzureInstanceIdentity.DiscoverAsync(environment, cancellationToken) is { } vm
            ? given.With("vm", vm.Vm).With("resource-group", vm.ResourceGroup).With("subscription", vm.Subscription, overwrite: false)
            : null;
    }

    public string? ServerSelector => VmTagSelector.Grammar;

    /// <summary>
    /// The running VMs of the subscription (of the resource group, when one is given) whose tags the selector names,
    /// each with its NSGs as its layer (<c>vm</c>, <c>resource-group</c>).
    /// </summary>
    public async Task<IReadOnlyList<CloudServer>> ListServersAsync(string selector, ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        var tags = VmTagSelector.Parse(selector);
        var group = values.Single("resource-group") is { } given ? AzureNames.ResourceGroup(given) : null;
        var subscription = Subscription(values, context.Environment);
        var api = connection.Connect(values.Single("endpoint"), subscription, context.Time);
        return await new VmInventory(api).ListAsync(subscription, group, tags, cancellationToken);
    }

    /// <summary>The NSG or VM the values name, checked (bad input names the flag).</summary>
    public static NsgTarget Target(ProviderSettings values, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(environment);
        var (nsg, vm) = (values.Single("nsg"), values.Single("vm"));
        var group = AzureNames.ResourceGroup(values.Single("resource-group") ?? throw new InvalidInputException($"{values.Flag("resource-group")} is required"));
        if (nsg is null && vm is null)
        {
            throw new InvalidInputException($"name the target: {values.Flag("nsg")} NAME or {values.Flag("vm")} NAME");
        }

        var subscription = Subscription(values, environment);
        return new NsgTarget(subscription, group, nsg is null ? null : AzureNames.Nsg(nsg, values.Flag("nsg")), vm is null ? null : AzureNames.Vm(vm, values.Flag("vm")));
    }

    private static string Subscription(ProviderSettings values, IEnvironment environment) =>
        AzureNames.Subscription(values.Single("subscription") ?? environment.Variable("AZURE_SUBSCRIPTION_ID"))
        ?? throw new InvalidInputException($"no subscription: pass {values.Flag("subscription")} or set AZURE_SUBSCRIPTION_ID");
}
