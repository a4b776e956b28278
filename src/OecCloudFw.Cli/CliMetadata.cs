using Cocona.Application;

namespace OecCloudFw.Cli;

/// <summary>Names the tool in help output, however it was started.</summary>
internal sealed class CliMetadata : ICoconaApplicationMetadataProvider
{
    public string GetDescription() => "Makes a Linux server's firewall right in both layers (cloud and server) and audits that they agree.";

    public string GetExecutableName() => "oec-cloudfw";

    public string GetProductName() => "oec-cloudfw";

    public string GetVersion() => typeof(CliMetadata).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
