using System.Net.Sockets;
using Amazon.EC2;
using Amazon.Runtime;
using OecCloudFw.Core;

namespace OecCloudFw.Aws;

/// <summary>Turns SDK failures into messages that name the cause and the fix.</summary>
internal static class Ec2Errors
{
    public static Task<T> Call<T>(string action, SecurityGroupId group, string region, Func<Task<T>> call) =>
        Call(action, group.Value, region, call);

    /// <param name="action">The EC2 action, for the message.</param>
    /// <param name="group">What the call is about (a group, a prefix list, an instance), for the message.</param>
    /// <param name="region">The region, for the message.</param>
    /// <param name="call">The SDK call.</param>
    public static async Task<T> Call<T>(string action, string group, string region, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonEC2Exception ex)
        {
            throw new LayerFailureException(Describe(ex.ErrorCode, ex.Message, action, group, region), ex);
        }
        catch (AmazonServiceException ex) when (ex.ErrorCode is not null)
        {
            throw new LayerFailureException(Describe(ex.ErrorCode, ex.Message, action, group, region), ex);
        }
        catch (AmazonClientException ex) when (IsMissingCredentials(ex))
        {
            throw new LayerFailureException(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile (run 'aws sso login' for SSO profiles), or run on an instance with a role",
                ex);
        }
        catch (Exception ex) when (FindNetworkFailure(ex) is { } network)
        {
            throw new LayerFailureException($"cannot reach the EC2 endpoint for {region}: {network.Message}: check --endpoint-url and the network", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new LayerFailureException($"EC2 {action} failed ({(int)ex.StatusCode}): {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Every item of a paginated read (an SDK paginator sends the next request as it is enumerated, so a failure is
    /// thrown while enumerating): collected, with failures mapped as <see cref="Call{T}(string, string, string, Func{Task{T}})"/> does.
    /// </summary>
    /// <remarks>The operator's cancellation (Ctrl+C) stays a cancellation, never "cannot reach the EC2 endpoint".</remarks>
    public static async Task<List<T>> ReadAll<T>(string action, string subject, string region, IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        try
        {
            return await Call(action, subject, region, async () =>
            {
                var all = new List<T>();
                await foreach (var item in items.WithCancellation(cancellationToken))
                {
                    all.Add(item);
                }

                return all;
            });
        }
        catch (LayerFailureException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
    }

    internal static string Describe(string code, string message, string action, string group, string region) => code switch
    {
        "InvalidGroup.NotFound" or "InvalidGroupId.NotFound" =>
            $"security group {group} not found in {region} ({code}): check --region and the group id",
        "UnauthorizedOperation" =>
            $"not authorized to call ec2:{action} on {group} ({code}): grant the IAM action ec2:{action} to this identity",
        "AuthFailure" or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken" or "RequestExpired" =>
            $"AWS rejected the credentials ({code}): {message}: refresh them (aws sso login, new keys) or pick another --profile",
        "RulesPerSecurityGroupLimitExceeded" =>
            $"{group} would exceed its inbound rule quota ({code}): remove unused rules or raise the 'Inbound or outbound rules per security group' quota",
        "RequestLimitExceeded" or "Throttling" =>
            $"EC2 throttled ec2:{action} ({code}) through every retry: re-run later, or use --retry-mode adaptive",
        "InvalidParameterValue" or "InvalidPermission.Malformed" =>
            $"EC2 refused the request ({code}): {message}",
        _ => $"ec2:{action} on {group} failed ({code}): {message}",
    };

    private static bool IsMissingCredentials(AmazonClientException ex) =>
        ex.Message.Contains("credential", StringComparison.OrdinalIgnoreCase) ||
        ex.InnerException?.Message.Contains("credential", StringComparison.OrdinalIgnoreCase) == true;

    private static Exception? FindNetworkFailure(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            // HttpIOException (a connection dropped mid-response) is an IOException, not an HttpRequestException.
            if (e is HttpRequestException or SocketException or TaskCanceledException or TimeoutException or IOException or System.Security.Authentication.AuthenticationException)
            {
                return e;
            }
        }

        return null;
    }
}
