using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using OecCloudFw.Core;

namespace OecCloudFw.Aws;

/// <summary>Builds an EC2 client from the SDK's standard credential and region chain plus the operator's overrides.</summary>
public sealed class Ec2ClientFactory(IEnvironment environment)
{
    public (IAmazonEC2 Client, string Region) Create(Ec2ConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.EndpointUrl ?? environment.Variable("AWS_ENDPOINT_URL_EC2") ?? environment.Variable("AWS_ENDPOINT_URL");
        if (endpoint is not null &&
            (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new InvalidInputException($"'{endpoint}' is not an endpoint URL: use http(s)://host[:port]");
        }

        var retryMode = options.RetryMode.ToLowerInvariant() switch
        {
            "standard" => RequestRetryMode.Standard,
            "adaptive" => RequestRetryMode.Adaptive,
            _ => throw new InvalidInputException($"'{options.RetryMode}' is not a retry mode: use standard or adaptive"),
        };

        var profileName = options.Profile ?? environment.Variable("AWS_PROFILE");
        CredentialProfile? profile = null;
        if (profileName is not null && !new CredentialProfileStoreChain().TryGetProfile(profileName, out profile))
        {
            throw new InvalidInputException($"AWS profile '{profileName}' not found in ~/.aws/config or ~/.aws/credentials: check --profile");
        }

        var region = options.Region ?? environment.Variable("AWS_REGION") ?? environment.Variable("AWS_DEFAULT_REGION") ??
                     profile?.Region?.SystemName ?? (endpoint is null ? FallbackRegion() : "us-east-1");
        if (region is null)
        {
            throw new InvalidInputException("no AWS region: pass --region or set AWS_REGION");
        }

        if (!IsRegionName(region))
        {
            var from = options.Region is not null ? "--region" : environment.Variable("AWS_REGION") is not null ? "AWS_REGION"
                : environment.Variable("AWS_DEFAULT_REGION") is not null ? "AWS_DEFAULT_REGION" : "the profile's region";
            throw new InvalidInputException($"'{region}' ({from}) is not an AWS region name: expected e.g. us-east-1, eu-west-1, us-gov-west-1");
        }

        var config = new AmazonEC2Config
        {
            RetryMode = retryMode,
            MaxErrorRetry = Math.Max(0, options.MaxAttempts - 1),
            Timeout = options.Timeout,
            // The SDK re-sends a request up to ten times when a connection drops before the answer ("stale pooled
            // connection"), outside the retry accounting: --max-attempts 1 would send eleven. Every attempt counts.
            MaxStaleConnectionRetries = 0,
        };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (profileName is not null)
        {
            config.Profile = new Profile(profileName);
        }

        try
        {
            return (new AmazonEC2Client(config), region);
        }
        catch (AmazonClientException ex) when (ex.Message.Contains("credential", StringComparison.OrdinalIgnoreCase))
        {
            throw new LayerFailureException(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile (run 'aws sso login' for SSO profiles), or run on an instance with a role",
                ex);
        }
    }

    /// <summary>An AWS region name as EC2 spells them: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, il-central-1.</summary>
    internal static bool IsRegionName(string region) =>
        System.Text.RegularExpressions.Regex.IsMatch(region, "^[a-z]{2}(-[a-z]+){1,3}-[0-9]{1,2}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string? FallbackRegion()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }
}
