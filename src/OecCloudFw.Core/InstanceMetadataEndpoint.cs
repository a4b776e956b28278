namespace OecCloudFw.Core;

/// <summary>
/// Where the instance metadata service is, and whether this machine is a cloud instance at all. The service is only
/// asked when the machine's DMI data says it runs on that cloud, so nothing is sent from anywhere else;
/// <c>OECFW_IMDS_ENDPOINT</c> points both clouds' lookups at another endpoint (tests).
/// </summary>
public static class InstanceMetadataEndpoint
{
    public const string Variable = "OECFW_IMDS_ENDPOINT";

    public static Uri Default { get; } = new("http://169.254.169.254");

    /// <summary>The endpoint to ask, or null when this machine is not on the cloud the DMI check is for.</summary>
    public static Uri? Resolve(IEnvironment environment, Func<bool> dmiSaysSo)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(dmiSaysSo);
        if (environment.Variable(Variable) is { } overridden)
        {
            return Uri.TryCreate(overridden, UriKind.Absolute, out var uri) ? uri : throw new InvalidInputException($"{Variable} '{overridden}' is not a URL");
        }

        return dmiSaysSo() ? Default : null;
    }

    public static string? ReadDmi(string name)
    {
        var path = Path.Combine("/sys/class/dmi/id", name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
