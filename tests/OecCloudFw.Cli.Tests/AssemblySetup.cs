using System.Runtime.CompilerServices;


namespace OecCloudFw.Cli.Tests;

internal static class AssemblySetup
{
    /// <summary>
    /// The SDK's credential chain reads the process environment: give it test keys, and make sure it never asks the
    /// instance metadata service (tests send traffic to loopback only).
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test-secret");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }
}
