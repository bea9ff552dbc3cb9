using System.Security.Cryptography;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;

namespace Appliance.TestPlugins.Surface;

/// <summary>
/// A HostApi 1.1 plugin for the host tests. Config: <c>label</c> (answered by <c>GET hello</c>, so two versions differ),
/// <c>mode</c> = ok | throw | crash, <c>sizeBytes</c> of the virtual download. Routes:
/// <c>GET files/big</c> (a generated file of sizeBytes, byte i = i mod 251, with Range through <see cref="ByteRanges"/>),
/// <c>POST upload</c> (streams the body, answers its length and SHA-256), <c>GET services</c> (host settings, a secret
/// round trip, a metric, a named event), the portal page routes of <see cref="SurfacePage"/> (config <c>page</c>), <c>GET process</c> (the pid serving, and how many downloads saw their
/// cancellation token cancelled: the isolation tests watch both), <c>GET fail</c> (throws before answering), <c>POST datause?category=&amp;bytes=</c> (reports into the host's data-use accounting),
/// <c>GET files/broken</c> (announces 8 MiB, writes 1 MiB, then throws).
/// </summary>
public sealed class SurfacePlugin : IPlugin
{
    private int _cancelledDownloads;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var label = Text(context, "label") ?? "?";
        var mode = Text(context, "mode") ?? "ok";
        var size = context.Config.TryGetProperty("sizeBytes", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 1024;
        var http = context.Http;
        http.Map("GET", "hello", (_, _) => Task.FromResult(PluginStreamResponse.Text($"hello {label}")));
        http.Map("GET", "files/big", (request, _) => Task.FromResult(ByteRanges.Serve(request, size, "application/octet-stream", WriteGenerated, etag: $"\"big-{size}\"", downloadName: "big.bin")));
        http.Map("GET", "process", (_, _) => Task.FromResult(PluginStreamResponse.Json(
            JsonSerializer.Serialize(new { pid = Environment.ProcessId, cancelledDownloads = Volatile.Read(ref _cancelledDownloads) }))));
        http.Map("GET", "fail", (_, _) => throw new InvalidOperationException("surface handler failed on purpose"));
        http.Map("GET", "files/broken", (_, _) => Task.FromResult(PluginStreamResponse.Stream("application/octet-stream", async (body, ct) =>
        {
            await WriteGenerated(body, 0, 1 << 20, ct);
            throw new IOException("surface body failed on purpose after 1 MiB");
        }, length: 8 << 20)));
        http.Map("POST", "upload", async (request, ct) =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }
            var json = JsonSerializer.Serialize(new { bytes = total, sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()), user = request.Caller.User });
            return PluginStreamResponse.Json(json, 201) with { Headers = new Dictionary<string, string>(PluginStreamResponse.Json(json).Headers) { ["Location"] = http.BasePath + "/files/uploaded" } };
        });
        http.Map("GET", "services", async (_, ct) =>
        {
            var settings = context.HostSettings.Current;
            await context.Secrets.SetAsync("token", "s3cret-" + label, ct);
            var secret = await context.Secrets.GetAsync("token", ct);
            context.Metrics.Counter("surface_calls", "calls of the services route", "route").Add(1, "services");
            var published = await context.NamedEvents.PublishAsync("SurfacePinged", JsonSerializer.SerializeToElement(new { label }), ct);
            var refused = await context.NamedEvents.PublishAsync("SurfacePinged", JsonSerializer.SerializeToElement(new { label = 5 }), ct);
            var verify = await context.Users.VerifyPasswordAsync("nobody", "wrong", ct);
            return PluginStreamResponse.Json(JsonSerializer.Serialize(new
            {
                httpsPort = settings.HttpsPort,
                zones = settings.Zones.Select(z => z.Name).ToArray(),
                secret,
                published = published.IsOk ? published.Value.Type : published.Failure!.ToString(),
                refused = refused.IsOk ? "accepted" : refused.Failure!.Code,
                verify = verify.IsOk ? "accepted" : verify.Failure!.Code,
            }));
        });
        http.Map("POST", "datause", (request, _) =>
        {
            // Reports into the host's data-use accounting; what the host refuses is answered as 400 with its message.
            var category = request.Query.TryGetValue("category", out var c) ? c : "";
            var bytes = request.Query.TryGetValue("bytes", out var b) && long.TryParse(b, out var n) ? n : 0;
            try
            {
                context.DataUse.Record(category, bytes);
                return Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(new { category, bytes })));
            }
            catch (ArgumentException e)
            {
                return Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(new { refused = e.Message }), 400));
            }
        });
        SurfacePage.Map(http, label, Text(context, "page") ?? "ok");
        switch (mode)
        {
            case "throw":
                throw new InvalidOperationException($"surface {label} was told to fail at start");
            case "crash":
                context.RunBackground("crasher", async ct =>
                {
                    await Task.Delay(500, ct);
                    throw new InvalidDataException($"surface {label} crashed on purpose");
                });
                break;
        }
        context.Health.Report("surface", HealthState.Healthy, $"{label} {mode}");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes bytes [offset, offset + count) of the generated file (byte i = i mod 251) in 64 KiB pieces;
    /// counts a download ended by its cancellation token (the client went away).</summary>
    private async Task WriteGenerated(Stream body, long offset, long count, CancellationToken ct)
    {
        var buffer = new byte[65536];
        try
        {
            while (count > 0)
            {
                var n = (int)Math.Min(buffer.Length, count);
                for (var i = 0; i < n; i++) buffer[i] = (byte)((offset + i) % 251);
                await body.WriteAsync(buffer.AsMemory(0, n), ct);
                offset += n;
                count -= n;
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelledDownloads);
            throw;
        }
    }

    private static string? Text(IPluginContext context, string name) =>
        context.Config.ValueKind == JsonValueKind.Object && context.Config.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
