using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Appliance.NetCheck.Tests.Infrastructure;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>What the in-test ONVIF device answers to GetSystemDateAndTime.</summary>
public enum OnvifBehavior
{
    Normal,
    Fault,
    Unauthorized,
    Xxe,
    BillionLaughs,
    NotXml,
    Oversized,
}

/// <summary>
/// Kestrel on 127.0.0.1: /stream is an endless chunked stream (4 KiB every 100 ms), /finite?ms=N streams for N ms then
/// ends, /onvif/device_service answers ONVIF GetSystemDateAndTime with the fixture (clock offset by <see cref="OnvifSkew"/>).
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHttpServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public TimeSpan OnvifSkew { get; set; }

    public OnvifBehavior Onvif { get; set; }

    public Uri StreamUrl => new($"http://127.0.0.1:{Port}/stream");

    public Uri FiniteUrl(int milliseconds) => new($"http://127.0.0.1:{Port}/finite?ms={milliseconds}");

    public Uri OnvifUrl => new($"http://127.0.0.1:{Port}/onvif/device_service");

    public static async Task<TestHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        TestHttpServer? self = null;
        app.MapGet("/stream", (HttpContext context) => StreamAsync(context, Timeout.InfiniteTimeSpan));
        app.MapGet("/finite", (HttpContext context, int ms) => StreamAsync(context, TimeSpan.FromMilliseconds(ms)));
        app.MapPost("/onvif/device_service", (HttpContext context) => self!.OnvifAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new TestHttpServer(app, new Uri(address).Port);
        return self;
    }

    private static async Task StreamAsync(HttpContext context, TimeSpan duration)
    {
        context.Response.ContentType = "video/mp2t";
        var chunk = new byte[4096];
        var started = DateTime.UtcNow;
        while (!context.RequestAborted.IsCancellationRequested && (duration == Timeout.InfiniteTimeSpan || DateTime.UtcNow - started < duration))
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(100, context.RequestAborted);
        }
    }

    private async Task OnvifAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = await reader.ReadToEndAsync();
        if (!request.Contains("GetSystemDateAndTime", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            return;
        }

        context.Response.ContentType = "application/soap+xml; charset=utf-8";
        switch (Onvif)
        {
            case OnvifBehavior.Unauthorized:
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = "Digest realm=\"onvif\", nonce=\"x\"";
                return;
            case OnvifBehavior.Fault:
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync(Fixture.Read("onvif-fault-NotAuthorized.xml"));
                return;
            case OnvifBehavior.Xxe:
                await context.Response.WriteAsync(Fixture.Read("onvif-xxe.xml"));
                return;
            case OnvifBehavior.BillionLaughs:
                await context.Response.WriteAsync(Fixture.Read("onvif-billion-laughs.xml"));
                return;
            case OnvifBehavior.NotXml:
                await context.Response.WriteAsync("HTTP/1.1 200 OK but this is not XML {]");
                return;
            case OnvifBehavior.Oversized:
                await context.Response.WriteAsync("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
                    + new string('x', 200_000) + "</s:Body></s:Envelope>");
                return;
            default:
                await context.Response.WriteAsync(Fixture.OnvifDateTime(DateTimeOffset.UtcNow + OnvifSkew));
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
