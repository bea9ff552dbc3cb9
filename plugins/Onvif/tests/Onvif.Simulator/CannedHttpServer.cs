using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>An HTTP server on loopback that answers every request with one canned response: hostile and broken cameras for bad-input tests.</summary>
public sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CannedHttpServer(WebApplication app, Uri uri) => (_app, Uri) = (app, uri);

    public Uri Uri { get; }

    public static async Task<CannedHttpServer> StartAsync(int status, string contentType, byte[] body, IReadOnlyDictionary<string, string>? headers = null, bool abortMidway = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(async http =>
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) http.Response.Headers[k] = v;
            if (abortMidway)
            {
                http.Response.ContentLength = body.Length * 2L;
                await http.Response.Body.WriteAsync(body);
                await http.Response.Body.FlushAsync();
                http.Abort();
                return;
            }
            await http.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        return new CannedHttpServer(app, new Uri($"http://127.0.0.1:{port}/onvif/device_service"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
