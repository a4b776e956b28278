using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OecCloudFw.Testing;

/// <summary>
/// An instance metadata service on loopback: EC2's IMDSv2 (a PUT for a session token, then GETs that must carry it)
/// or Azure's IMDS (GETs that must carry Metadata: true), answering for one instance.
/// </summary>
public sealed class FakeInstanceMetadata : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _token = Guid.NewGuid().ToString("N");

    private FakeInstanceMetadata(WebApplication app) => _app = app;

    public required Uri Url { get; init; }

    public string? Ec2InstanceId { get; set; }

    public string Ec2Region { get; set; } = "eu-west-1";

    public (string Vm, string ResourceGroup, string Subscription)? AzureVm { get; set; }

    /// <summary>Requests refused for a missing token or header.</summary>
    public int Refused { get; private set; }

    public static async Task<FakeInstanceMetadata> StartAsync()
    {
        FakeInstanceMetadata? fake = null;
        var (app, url) = await LoopbackServer.StartAsync(context => fake!.HandleAsync(context));
        fake = new FakeInstanceMetadata(app) { Url = url };
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith("/latest/", StringComparison.Ordinal))
        {
            if (Ec2InstanceId is null)
            {
                context.Response.StatusCode = 404;
                return;
            }

            if (path == "/latest/api/token")
            {
                if (context.Request.Method != "PUT" || string.IsNullOrEmpty(context.Request.Headers["X-aws-ec2-metadata-token-ttl-seconds"]))
                {
                    Refused++;
                    context.Response.StatusCode = 400;
                    return;
                }

                await context.Response.WriteAsync(_token);
                return;
            }

            if (context.Request.Headers["X-aws-ec2-metadata-token"] != _token)
            {
                Refused++;
                context.Response.StatusCode = 401;
                return;
            }

            await context.Response.WriteAsync(path switch
            {
                "/latest/meta-data/instance-id" => Ec2InstanceId,
                "/latest/meta-data/placement/region" => Ec2Region,
                _ => string.Empty,
            });
            return;
        }

        if (path == "/metadata/instance/compute" && AzureVm is { } vm)
        {
            if (context.Request.Headers["Metadata"] != "true")
            {
                Refused++;
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("{\"error\":\"Bad request. Required metadata header not specified\"}");
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["name"] = vm.Vm,
                ["resourceGroupName"] = vm.ResourceGroup,
                ["subscriptionId"] = vm.Subscription,
                ["location"] = "westeurope",
                ["vmId"] = Guid.NewGuid().ToString(),
            }.ToJsonString());
            return;
        }

        context.Response.StatusCode = 404;
    }
}
