using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.ResourceManager;
using OecCloudFw.Core;

namespace OecCloudFw.Azure;

/// <summary>
/// <see cref="INetworkApi"/> over Azure.ResourceManager's own HTTP pipeline (authentication, retries of 429 and 5xx
/// with Retry-After, logging), with the long-running operations polled through Azure-AsyncOperation or Location.
/// </summary>
internal sealed class ArmRestNetworkApi : ArmResource, INetworkApi
{
    public const string NetworkApiVersion = "2024-05-01";
    public const string ComputeApiVersion = "2024-07-01";
    private static readonly TimeSpan MaxOperationTime = TimeSpan.FromMinutes(10);
    private readonly TimeProvider _time;

    public ArmRestNetworkApi(ArmClient client, TimeProvider time)
        : base(client, ResourceIdentifier.Root)
    {
        _time = time;
    }

    public async Task<JsonNode> GetAsync(string resourceId, CancellationToken cancellationToken = default)
    {
        var (status, body, _) = await SendAsync(RequestMethod.Get, Url(resourceId), null, cancellationToken);
        return status == 200 ? JsonNode.Parse(body)! : throw ArmFailureException.FromBody(status, body);
    }

    public async Task<IReadOnlyList<JsonNode>> ListAsync(string collectionId, string query, CancellationToken cancellationToken = default)
    {
        var items = new List<JsonNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (Uri? page = new($"{Url(collectionId).AbsoluteUri}&{query}"); page is not null;)
        {
            var (status, body, _) = await SendAsync(RequestMethod.Get, page, null, cancellationToken);
            if (status != 200)
            {
                throw ArmFailureException.FromBody(status, body);
            }

            JsonNode? json;
            string? next;
            try
            {
                json = JsonNode.Parse(body);
                next = json?["nextLink"]?.GetValue<string>();
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                throw new LayerFailureException($"ARM answered a page of {collectionId} with a body that is not a listing ({ex.Message}); try again later", ex);
            }

            items.AddRange((json?["value"] as JsonArray ?? []).OfType<JsonNode>());
            page = string.IsNullOrEmpty(next) ? null : NextPage(next, seen);
        }

        return items;
    }

    /// <summary>
    /// The next page of a listing: only on this endpoint (the pipeline sends the bearer token wherever it is asked to),
    /// and never a page already read (a listing that loops would not end).
    /// </summary>
    private Uri NextPage(string nextLink, HashSet<string> seen)
    {
        if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var next) || next.Scheme != Uri.UriSchemeHttps ||
            !string.Equals(next.GetLeftPart(UriPartial.Authority), Endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw new LayerFailureException($"ARM named a next page of the listing outside {Endpoint.GetLeftPart(UriPartial.Authority)} ({nextLink}): not followed; check --endpoint");
        }

        return seen.Add(next.AbsoluteUri)
            ? next
            : throw new LayerFailureException($"ARM named the same next page of the listing twice ({nextLink}): the listing does not end; try again later");
    }

    public async Task PutSecurityRuleAsync(string ruleId, JsonObject properties, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["properties"] = properties }.ToJsonString();
        var (status, content, headers) = await SendAsync(RequestMethod.Put, Url(ruleId), body, cancellationToken);
        if (status is not (200 or 201 or 202))
        {
            throw ArmFailureException.FromBody(status, content);
        }

        await WaitAsync(headers, cancellationToken);
    }

    public async Task DeleteSecurityRuleAsync(string ruleId, CancellationToken cancellationToken = default)
    {
        var (status, content, headers) = await SendAsync(RequestMethod.Delete, Url(ruleId), null, cancellationToken);
        if (status is not (200 or 202 or 204))
        {
            throw ArmFailureException.FromBody(status, content);
        }

        await WaitAsync(headers, cancellationToken);
    }

    private Uri Url(string resourceId)
    {
        var version = resourceId.Contains("/providers/Microsoft.Compute/", StringComparison.OrdinalIgnoreCase) ? ComputeApiVersion : NetworkApiVersion;
        return new Uri(Endpoint, resourceId.TrimStart('/') is var path ? $"/{path}?api-version={version}" : null);
    }

    /// <summary>Polls a long-running operation: Azure-AsyncOperation (status document) or Location (202 until done), honouring Retry-After.</summary>
    private async Task WaitAsync(IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var asyncOperation = headers.GetValueOrDefault("azure-asyncoperation");
        var location = headers.GetValueOrDefault("location");
        if (asyncOperation is null && location is null)
        {
            return;
        }

        var started = _time.GetTimestamp();
        var retryAfter = headers.GetValueOrDefault("retry-after");
        while (_time.GetElapsedTime(started) < MaxOperationTime)
        {
            await Task.Delay(Delay(retryAfter), _time, cancellationToken);
            var (status, body, pollHeaders) = await SendAsync(RequestMethod.Get, new Uri(asyncOperation ?? location!), null, cancellationToken);
            retryAfter = pollHeaders.GetValueOrDefault("retry-after");
            if (asyncOperation is not null)
            {
                if (status != 200)
                {
                    throw ArmFailureException.FromBody(status, body);
                }

                var operation = JsonNode.Parse(body);
                switch (operation?["status"]?.GetValue<string>())
                {
                    case "Succeeded":
                        return;
                    case "Failed" or "Canceled":
                        var error = operation["error"];
                        throw new ArmFailureException(409, error?["code"]?.GetValue<string>() ?? "OperationFailed", error?["message"]?.GetValue<string>() ?? "the operation failed");
                }
            }
            else if (status is 200 or 201 or 204)
            {
                return;
            }
            else if (status != 202)
            {
                throw ArmFailureException.FromBody(status, body);
            }
        }

        throw new LayerFailureException("an Azure operation did not finish within 10 minutes: check its status in the portal");
    }

    private static TimeSpan Delay(string? retryAfter) =>
        int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, 60))
            : TimeSpan.FromSeconds(1);

    private async Task<(int Status, string Body, IReadOnlyDictionary<string, string> Headers)> SendAsync(RequestMethod method, Uri uri, string? body, CancellationToken cancellationToken)
    {
        using var message = Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(BinaryData.FromString(body));
        }

        try
        {
            await Pipeline.SendAsync(message, cancellationToken);
        }
        catch (global::Azure.RequestFailedException ex) when (ex.Status == 0)
        {
            throw new LayerFailureException($"cannot reach the Azure Resource Manager endpoint {uri.GetLeftPart(UriPartial.Authority)}: {Cause(ex)}: check --endpoint, its certificate and the network", ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0 && ex.InnerExceptions.All(e => e is global::Azure.RequestFailedException { Status: 0 } or HttpRequestException or IOException))
        {
            // The pipeline's retries ran out: every attempt failed in transport (refused, dropped, TLS, DNS, timeout).
            throw new LayerFailureException($"cannot reach the Azure Resource Manager endpoint {uri.GetLeftPart(UriPartial.Authority)} after {ex.InnerExceptions.Count} attempts: {Cause(ex.InnerExceptions[^1])}: check --endpoint, its certificate and the network", ex);
        }
        catch (global::Azure.Identity.AuthenticationFailedException ex)
        {
            throw new LayerFailureException($"no usable Azure credentials ({ex.Message.Split('\n')[0]}): run 'az login', or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (or a federated token), or use a managed identity", ex);
        }

        var response = message.Response;
        var headers = response.Headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
        return (response.Status, response.Content.ToString(), headers);
    }

    /// <summary>The transport failure's cause in words: a TLS failure (an untrusted certificate) is named as such.</summary>
    private static string Cause(Exception failure)
    {
        for (var e = (Exception?)failure; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException tls)
            {
                return $"TLS failed ({tls.Message})";
            }
        }

        return failure.Message;
    }
}
