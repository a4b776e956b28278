using OecCloudFw.Aws;

namespace OecCloudFw.Cli.Commands;

/// <summary>The security group and how to reach EC2; shared by every aws verb.</summary>
internal sealed record AwsTarget(
    [Option("group", Description = "The security group id (sg-…); show also takes --instance or --subnet instead.")] string? Group = null,
    [Option("region", Description = "AWS region (default: AWS_REGION, the profile, then the SDK chain).")] string? Region = null,
    [Option("profile", Description = "Shared config/credentials profile, SSO profiles included (default: AWS_PROFILE).")] string? Profile = null,
    [Option("endpoint-url", Description = "EC2 endpoint, e.g. LocalStack (default: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL).")] string? EndpointUrl = null,
    [Option("retry-mode", Description = "SDK retry mode for throttling and 5xx: standard or adaptive.")] string RetryMode = "standard",
    [Option("max-attempts", Description = "Attempts per call, the first included.")] int MaxAttempts = 4,
    [Option("timeout", Description = "Seconds one HTTP attempt may take.")] int TimeoutSeconds = 30) : ICommandParameterSet
{
    /// <summary>The group, required by open and close.</summary>
    public SecurityGroupId RequiredGroup() =>
        SecurityGroupId.Parse(Group ?? throw new Core.InvalidInputException("--group is required: the security group id (sg-…)"));

    public Ec2ConnectionOptions ToOptions()
    {
        if (MaxAttempts is < 1 or > 20)
        {
            throw new Core.InvalidInputException($"--max-attempts {MaxAttempts} is out of range: use 1-20");
        }

        if (TimeoutSeconds is < 1 or > 600)
        {
            throw new Core.InvalidInputException($"--timeout {TimeoutSeconds} is out of range: use 1-600 seconds");
        }

        return new Ec2ConnectionOptions
        {
            Region = Region,
            Profile = Profile,
            EndpointUrl = EndpointUrl,
            RetryMode = RetryMode,
            MaxAttempts = MaxAttempts,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
        };
    }
}
