// Raw HTTP against the fake (DigitalOceanFake): Bearer auth as specification/description.yml "Authentication" shows
// (curl -H "Authorization: Bearer $DIGITALOCEAN_TOKEN"), bodies as JSON text.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace OecCloudFw.DigitalOcean.Tests.Fake;

internal static class FakeHttp
{
    public static HttpClient Client(DigitalOceanFake fake, string? token = DigitalOceanFake.ReadWriteToken)
    {
        var client = new HttpClient { BaseAddress = fake.Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(this HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> GetJsonAsync(this HttpClient client, string path) =>
        client.SendAsync(HttpMethod.Get, path);

    /// <summary>Structural equality of two JSON texts/nodes (object key order ignored).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);
}
