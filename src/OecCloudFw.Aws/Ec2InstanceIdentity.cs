using System.Net.Http.Headers;
using OecCloudFw.Core;

namespace OecCloudFw.Aws;

/// <summary>The EC2 instance this machine is, from IMDSv2 (a session token first, then the instance id and region).</summary>
/// <remarks>
/// Not <c>Amazon.Util.EC2InstanceMetadata</c> (AWSSDK.Core 4.0.102.19): it reads its endpoint once per process from the
/// process environment (AWS_EC2_METADATA_SERVICE_ENDPOINT), so neither <c>OECFW_IMDS_ENDPOINT</c> through
/// <see cref="IEnvironment"/> nor a second endpoint later in the same process can reach it, and it takes no cancellation
/// token and waits 5 s a request with 3 tries: 16 s against an endpoint that never answers, where this client gives up after 2 s.
/// </remarks>
public static class Ec2InstanceIdentity
{
    public static async Task<(string InstanceId, string Region)?> DiscoverAsync(IEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.Equals(environment.Variable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var endpoint = InstanceMetadataEndpoint.Resolve(environment, () =>
            InstanceMetadataEndpoint.ReadDmi("sys_vendor") == "Amazon EC2" || InstanceMetadataEndpoint.ReadDmi("board_asset_tag")?.StartsWith("i-", StringComparison.Ordinal) == true);
        if (endpoint is null)
        {
            return null;
        }

        using var http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
            tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");
            using var tokenResponse = await http.SendAsync(tokenRequest, cancellationToken);
            if (!tokenResponse.IsSuccessStatusCode)
            {
                return null;
            }

            var token = await tokenResponse.Content.ReadAsStringAsync(cancellationToken);
            async Task<string> Get(string path)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add("X-aws-ec2-metadata-token", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
                using var response = await http.SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            }

            return (await Get("/latest/meta-data/instance-id"), await Get("/latest/meta-data/placement/region"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
