using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Cameras;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Xunit;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>Trust on first use against an HTTPS simulator whose self-signed (private CA) certificate is then replaced.</summary>
public sealed class CertificatePinningTests : IDisposable
{
    private const string NoDiscovery = """{"discovery.wsDiscovery": false, "discovery.mdns": false}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-onvif-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static X509Certificate2 Load((string Certificate, string Key) pem)
    {
        using var loaded = X509Certificate2.CreateFromPemFile(pem.Certificate, pem.Key);
        return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    private static CameraInfo Camera(string id, OnvifCameraSimulator sim) =>
        new(id, id, true, null, sim.DeviceServiceUri.ToString(), sim.Options.Username, sim.Options.Password, new CameraOverrides());

    private static string Message(PluginContextDouble context, string component) =>
        context.HealthReports.Components.TryGetValue(component, out var r) ? $"{r.State}: {r.Message}" : "";

    [Fact]
    public async Task ASelfSignedCameraIsRefusedUntilConfirmedThenPinnedAndItsReplacementIsAClearError()
    {
        using var pki = TestPki.Create(_folder, "camera-maker");
        using var first = Load(pki.Server("camera-1"));
        using var second = Load(pki.Server("camera-2"));
        var sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { Certificate = first, StreamUri = "rtsp://127.0.0.1:8554/tls" });
        var port = sim.BaseUri.Port;
        await using var plain = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/plain" });
        var context = OnvifContext.Create(NoDiscovery);
        var plugin = new OnvifPlugin();
        context.Inventory().Set(Camera("tls", sim), Camera("plain", plain));
        await plugin.StartAsync(context, CancellationToken.None);
        try
        {
            var id = new Dictionary<string, string> { ["id"] = "tls" };
            // First contact: refused (never trusted silently), the fingerprint shown in health and by the route.
            Assert.True(await Eventually.HoldsWithinAsync(() => Message(context, "camera/tls").Contains("not trusted"), Patience), Message(context, "camera/tls"));
            Assert.StartsWith("Unhealthy", Message(context, "camera/tls"));
            Assert.Contains(CertificatePins.Format(Sha256(first)), Message(context, "camera/tls"));
            Assert.DoesNotContain(context.Inventory().StreamUrisSet, s => s.Id == "tls");
            var shown = JsonDocument.Parse((await context.RouteTable.InvokeAsync("GET", "cameras/{id}/certificate", id)).Body).RootElement;
            Assert.Equal("untrusted", shown.GetProperty("state").GetString());
            Assert.Equal(Sha256(first), shown.GetProperty("presented").GetProperty("sha256").GetString());
            Assert.Equal(JsonValueKind.Null, shown.GetProperty("pinned").ValueKind);

            // Bad confirmations: not JSON, not a fingerprint, a fingerprint the camera did not present.
            Assert.Equal(400, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/certificate", id, "{not json")).StatusCode);
            Assert.Equal(400, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/certificate", id, """{"sha256":"12:34"}""")).StatusCode);
            var wrong = await context.RouteTable.InvokeAsync("POST", "cameras/{id}/certificate", id, $$"""{"sha256":"{{Sha256(second)}}"}""");
            Assert.Equal(409, wrong.StatusCode);
            Assert.Contains("the camera presented SHA-256", System.Text.Encoding.UTF8.GetString(wrong.Body.Span));
            Assert.Equal(413, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/certificate", id, new string(' ', 5000))).StatusCode);
            Assert.Equal(404, (await context.RouteTable.InvokeAsync("POST", "cameras/{id}/certificate", new() { ["id"] = "nope" }, "{}")).StatusCode);

            // Confirmation (colons and lower case accepted): pinned, reconnected at once, the stream resolved.
            var pin = await context.RouteTable.InvokeAsync("POST", "cameras/{id}/certificate", id, $$"""{"sha256":"{{CertificatePins.Format(Sha256(first)).ToLowerInvariant()}}"}""");
            Assert.Equal(200, pin.StatusCode);
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Inventory().StreamUrisSet.Contains(("tls", "rtsp://127.0.0.1:8554/tls")), Patience), string.Join('\n', context.Log.Lines));
            Assert.True(await Eventually.HoldsWithinAsync(() => Message(context, "camera/tls").StartsWith("Healthy"), Patience), Message(context, "camera/tls"));
            Assert.Contains(Sha256(first), File.ReadAllText(Path.Combine(context.DataDirectory, "pinned-certificates.json")));

            // The camera comes back on the same address with another certificate: refused and named, the other camera untouched.
            await sim.DisposeAsync();
            sim = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { Certificate = second, Port = port, StreamUri = "rtsp://127.0.0.1:8554/tls" });
            Assert.True(await Eventually.HoldsWithinAsync(() => Message(context, "camera/tls").Contains("certificate changed"), Patience), Message(context, "camera/tls"));
            var changed = Message(context, "camera/tls");
            Assert.StartsWith("Unhealthy", changed);
            Assert.Contains($"pinned SHA-256 {CertificatePins.Format(Sha256(first))}, presented {CertificatePins.Format(Sha256(second))}", changed);
            Assert.DoesNotContain(sim.Calls, c => c.Contains("GetStreamUri") || c.Contains("PullMessages"));
            var state = JsonDocument.Parse((await context.RouteTable.InvokeAsync("GET", "cameras/{id}/certificate", id)).Body).RootElement;
            Assert.Equal("changed", state.GetProperty("state").GetString());
            Assert.StartsWith("Healthy", Message(context, "camera/plain"));
            Assert.Contains(context.Inventory().StreamUrisSet, s => s == ("plain", "rtsp://127.0.0.1:8554/plain"));
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            await context.DisposeAsync();
            await sim.DisposeAsync();
        }
    }
}
