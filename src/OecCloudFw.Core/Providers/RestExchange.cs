using System.Text;

namespace OecCloudFw.Core.Providers;

/// <summary>
/// One exchange of a provider's hand-written REST client (Hetzner, DigitalOcean): the JSON body sent, a network failure
/// or a timeout turned into a <see cref="LayerFailureException"/> in the provider's own words. The response (status,
/// headers, body) is the client's: its error bodies, rate limits and retries differ by provider.
/// </summary>
public static class RestExchange
{
    /// <param name="http">The client (base address, token, timeout).</param>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, relative to the base address.</param>
    /// <param name="json">The JSON body, or null.</param>
    /// <param name="unreachable">The message when the endpoint cannot be reached (given the network error's text).</param>
    /// <param name="timedOut">The message when it does not answer in time.</param>
    /// <param name="cancellationToken">Ctrl+C (a cancellation is not a timeout).</param>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri path, string? json, Func<string, string> unreachable, string timedOut, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(unreachable);
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new LayerFailureException(unreachable(ex.Message), ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LayerFailureException(timedOut, ex);
        }
    }
}
