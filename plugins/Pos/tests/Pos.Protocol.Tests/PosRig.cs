using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Plugins.Pos.Tests;

/// <summary>
/// The plugin started with the shared plugin context double on two register groups inside a declared port range on
/// loopback; <see cref="SendAsync"/> is the register simulator (no real register is available here: it writes the
/// byte streams of <see cref="Receipts"/> over TCP).
/// </summary>
internal sealed class PosRig : IAsyncDisposable
{
    private PosRig(PluginContextDouble context, int lane1, int lane2)
    {
        Context = context;
        Lane1 = lane1;
        Lane2 = lane2;
    }

    public PluginContextDouble Context { get; }
    public int Lane1 { get; }
    public int Lane2 { get; }

    public static async Task<PosRig> StartAsync(string forwardUrl = "", string forwardPin = "", int maxLines = 500)
    {
        var lane1 = FreePort.Tcp();
        var lane2 = FreePort.Tcp();
        var (first, last) = (Math.Min(lane1, lane2), Math.Max(lane1, lane2));
        var rules = JsonSerializer.SerializeToNode(Receipts.Rules);
        var config = new JsonObject
        {
            ["portRange"] = $"{first}-{last}",
            ["bindAddress"] = "",
            ["registers"] = new JsonArray(
                new JsonObject { ["name"] = "lane1", ["port"] = lane1, ["cameraId"] = "lane1-cam", ["refundThreshold"] = 50, ["maxLines"] = maxLines, ["rules"] = rules!.DeepClone() },
                new JsonObject { ["name"] = "lane2", ["port"] = lane2, ["rules"] = rules.DeepClone() }),
            ["idleTimeoutSeconds"] = 3600,
            ["maxConnections"] = 8,
            ["forwardUrl"] = forwardUrl,
            ["forwardCertificateSha256"] = forwardPin,
            ["forwardTimeoutSeconds"] = 5,
            ["retentionDays"] = 90,
        };
        var context = new PluginContextDouble(config.ToJsonString(), new FakeTimeProvider(DateTimeOffset.UtcNow), "appliance.pos")
        {
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Tcp, first, last, "registers")]),
        };
        await new PosPlugin().StartAsync(context, default);
        return new PosRig(context, lane1, lane2);
    }

    /// <summary>A register: connects, writes the bytes, closes (or, with <paramref name="keepOpen"/>, returns the open client).</summary>
    public static async Task<TcpClient?> SendAsync(int port, byte[] bytes, bool keepOpen = false)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.GetStream().WriteAsync(bytes);
        if (keepOpen) return client;
        client.Dispose();
        return null;
    }

    public IReadOnlyList<EventEnvelope> Published(string type) => Context.NamedBus.Published.Where(e => e.Type == type).ToList();

    public async Task<JsonElement> SearchAsync(string query)
    {
        var (status, body) = await Context.HttpRoutes.GetAsync("search", query);
        Assert.True(status == 200, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public string Diagnostics() => $"published: {string.Join(" | ", Context.NamedBus.Published.Select(e => e.Type))}; log: {string.Join(" | ", Context.Log.Lines)}; health: {string.Join(" | ", Context.HealthReports.Components.Select(c => $"{c.Key}={c.Value}"))}";

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        Assert.Empty(Context.BackgroundFailures);
    }
}
