using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OecCloudFw.Testing;

/// <summary>Starts a fake endpoint on 127.0.0.1 (or a given address) with a port chosen at run time (over TLS when given a certificate).</summary>
public static class LoopbackServer
{
    /// <param name="handler">Answers every request.</param>
    /// <param name="certificate">Serve over TLS with it.</param>
    /// <param name="address">Listen there instead of 127.0.0.1 (a test server's host end, say).</param>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null, IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(address ?? IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(listening));
    }

    /// <summary>Serves one file (whatever the path asked) over plain HTTP at <paramref name="address"/>, as an artifact server would.</summary>
    public static async Task<(IAsyncDisposable Server, Uri Url)> ServeFileAsync(string path, IPAddress address)
    {
        var (app, url) = await StartAsync(context => context.Response.SendFileAsync(path), null, address);
        return (app, url);
    }
}
