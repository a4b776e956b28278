using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Hetzner.Tests.Fake;

namespace OecCloudFw.Hetzner.Tests.Layer;

/// <summary>The product's layer made as the application makes it (the provider's registration, its settings, a context) against the fake over real HTTP.</summary>
internal static class HetznerHarness
{
    public static readonly HetznerProvider Provider = new();

    public static ProviderSettings Settings(HetznerFake fake, string? server = null, string? firewall = null, string? smtpUnblocked = null)
    {
        ArgumentNullException.ThrowIfNull(fake);
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["endpoint-url"] = [fake.BaseUrl.AbsoluteUri],
        };
        if (server is not null)
        {
            values["server"] = [server];
        }

        if (firewall is not null)
        {
            values["firewall"] = [firewall];
        }

        if (smtpUnblocked is not null)
        {
            values["smtp-unblocked"] = [smtpUnblocked];
        }

        return new ProviderSettings(values, name => "--" + name);
    }

    public static HetznerCloudLayer Layer(HetznerFake fake, TimeProvider clock, string? server = null, string? firewall = null, string? token = null, string? smtpUnblocked = null, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(fake);
        var context = new ProviderContext(new Env(new Dictionary<string, string> { ["HCLOUD_TOKEN"] = token ?? fake.Token }), clock, ILayerReadCache.None) { Transport = transport };
        return (HetznerCloudLayer)Provider.Create(Settings(fake, server, firewall, smtpUnblocked), context);
    }

    internal sealed class Env(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
