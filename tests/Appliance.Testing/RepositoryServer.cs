using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Appliance.Testing;

/// <summary>
/// A static HTTPS directory on 127.0.0.1 (Kestrel in the test process) serving a plugin repository with Range
/// support, and the faults a real one can have: the next package transfer cut after some bytes, every answer held
/// forever (a repository that answers slowly forever). It records each request's path and Range header.
/// </summary>
public sealed class RepositoryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _root;
    private long _cutNextAfter = -1;

    private RepositoryServer(WebApplication app, string root, int port)
    {
        _app = app;
        _root = Path.GetFullPath(root);
        Port = port;
    }

    public int Port { get; }

    /// <summary>The repository's base URL (ends with '/').</summary>
    public Uri BaseUri => new($"https://127.0.0.1:{Port}/repo/");

    /// <summary>"GET /repo/index.json range=bytes=100-" per request, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Hold every request until the client gives up (no status line, no byte).</summary>
    public bool SlowForever { get; set; }

    /// <summary>The next transfer of a file that is not the index stops (connection aborted) after this many body bytes.</summary>
    public void CutNextTransferAfter(long bytes) => Interlocked.Exchange(ref _cutNextAfter, bytes);

    public static async Task<RepositoryServer> StartAsync(string root, X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        RepositoryServer? server = null;
        app.Run(context => server!.ServeAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new RepositoryServer(app, root, new Uri(address).Port);
        return server;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue($"{context.Request.Method} {path} range={context.Request.Headers.Range}");
        if (SlowForever)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }
        if (!path.StartsWith("/repo/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var file = Path.GetFullPath(Path.Combine(_root, path["/repo/".Length..]));
        if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var cut = path.EndsWith("/index.json", StringComparison.Ordinal) || path.EndsWith(".sig", StringComparison.Ordinal)
            ? -1
            : Interlocked.Exchange(ref _cutNextAfter, -1);
        if (cut < 0)
        {
            await Results.File(file, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);
            return;
        }
        // A transfer that breaks: honour the range, send `cut` bytes, then drop the connection.
        var length = new FileInfo(file).Length;
        long from = 0;
        var range = context.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') && long.TryParse(range[6..^1], out var start))
        {
            from = start;
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{length - 1}/{length}";
        }
        context.Response.ContentLength = length - from;
        await using var input = File.OpenRead(file);
        input.Position = from;
        var buffer = new byte[Math.Min(cut, 65536) is var n && n > 0 ? n : 1];
        long sent = 0;
        while (sent < cut)
        {
            var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, cut - sent)));
            if (read == 0) break;
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read));
            sent += read;
        }
        await context.Response.Body.FlushAsync();
        context.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        SlowForever = false;
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
