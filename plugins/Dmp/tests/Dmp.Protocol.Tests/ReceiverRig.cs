using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Plugins.Dmp.Tests;

/// <summary>The plugin started on a loopback port with the shared plugin context double and a fake clock.</summary>
internal sealed class ReceiverRig : IAsyncDisposable
{
    private ReceiverRig(PluginContextDouble context, FakeTimeProvider clock, int port)
    {
        Context = context;
        Clock = clock;
        Port = port;
    }

    public PluginContextDouble Context { get; }
    public FakeTimeProvider Clock { get; }
    public int Port { get; }

    public const string Panels = """[{ "account": "12345", "name": "Shop", "checkInMinutes": 5, "zoneCameras": { "5": "lobby" } }, { "account": "42", "name": "Depot" }]""";

    public static async Task<ReceiverRig> StartAsync(string panels = Panels, int idleTimeoutSeconds = 600, int maxFrameBytes = 512, int maxConnections = 64)
    {
        var port = FreePort.Tcp();
        var config = $$"""
            { "port": {{port}}, "bindAddress": "", "panels": {{panels}}, "idleTimeoutSeconds": {{idleTimeoutSeconds}},
              "maxFrameBytes": {{maxFrameBytes}}, "maxConnections": {{maxConnections}}, "linkCheckSeconds": 10 }
            """;
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var context = new PluginContextDouble(config, clock, "appliance.dmp")
        {
            DeclaredSockets = new LoopbackSocketsDouble([new DeclaredPort(SocketTransport.Tcp, port, port, "DMP panels")]),
        };
        await new DmpPlugin().StartAsync(context, default);
        return new ReceiverRig(context, clock, port);
    }

    public IReadOnlyList<EventEnvelope> Published(string type) => Context.NamedBus.Published.Where(e => e.Type == type).ToList();

    public string Diagnostics() =>
        $"published: {string.Join(" | ", Context.NamedBus.Published.Select(e => $"{e.Type} {e.Data}"))}; log: {string.Join(" | ", Context.Log.Lines)}; failures: {string.Join(" | ", Context.BackgroundFailures)}";

    public static string Text(EventEnvelope e, string property) => e.Data.TryGetProperty(property, out var v) ? v.ToString() : "";

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        Assert.Empty(Context.BackgroundFailures);
    }
}
