using OecCloudFw.Aws;
using OecCloudFw.Azure;
using OecCloudFw.Core.Providers;
using OecCloudFw.DigitalOcean;
using OecCloudFw.Hetzner;

namespace OecCloudFw.Application.Providers;

/// <summary>
/// The registered cloud providers: adding one is its adapter project and one line here. Every verb's flags, the
/// inventory's keys, the <c>&lt;provider&gt; open|close|show</c> verbs and the audit/plan/apply/fleet wiring are made
/// from these registrations.
/// </summary>
public static class CloudProviders
{
    /// <param name="azure">How Azure is reached (tests give a fake ARM endpoint's connection).</param>
    public static IReadOnlyList<ICloudProvider> For(AzureConnection azure) =>
    [
        new AwsProvider(),
        new AzureProvider(azure),
        new HetznerProvider(),
        new DigitalOceanProvider(),
    ];
}
