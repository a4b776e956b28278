using System.Runtime.CompilerServices;

namespace OecCloudFw.Aws.Tests;

internal static class AssemblySetup
{
    /// <summary>
    /// The SDK's credential chain reads the process environment: give it a test identity the fake EC2 knows
    /// (tests that build the provider's own client), and make sure it never asks the instance metadata service.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test-secret");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }
}
