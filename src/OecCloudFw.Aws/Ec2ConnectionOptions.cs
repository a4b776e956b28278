namespace OecCloudFw.Aws;

/// <summary>How to reach EC2: region, profile, endpoint and the SDK's retry behaviour.</summary>
public sealed record Ec2ConnectionOptions
{
    /// <summary>--region; falls back to AWS_REGION, AWS_DEFAULT_REGION, the profile, then the SDK chain.</summary>
    public string? Region { get; init; }

    /// <summary>--profile; falls back to AWS_PROFILE and the SDK's default chain.</summary>
    public string? Profile { get; init; }

    /// <summary>--endpoint-url; falls back to AWS_ENDPOINT_URL_EC2 then AWS_ENDPOINT_URL (LocalStack, moto).</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>standard or adaptive; the SDK retries throttling and 5xx with backoff.</summary>
    public string RetryMode { get; init; } = "standard";

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
