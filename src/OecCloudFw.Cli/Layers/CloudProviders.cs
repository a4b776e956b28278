using OecCloudFw.Aws;
using OecCloudFw.Azure;
using OecCloudFw.Core.Providers;
using OecCloudFw.DigitalOcean;
using OecCloudFw.Hetzner;

namespace OecCloudFw.Cli.Layers;

/// <summary>
/// The registered cloud providers: adding one is its adapter project and one line here. Every verb's flags, the
/// inventory's keys, the <c>&lt;provider&gt; open|close|show</c> verbs and the audit/plan/apply/fleet wiring are made
/// from these registrations.
/// </summary>
internal static class CloudProviders
{
    public static IReadOnlyList<ICloudProvider> For(CliContext context) =>
    [
        new AwsProvider(),
        new AzureProvider(context.Azure),
        new HetznerProvider(),
        new DigitalOceanProvider(),
    ];
}
