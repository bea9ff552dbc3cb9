using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;
using Appliance.Testing.DBus;

namespace Appliance.Cloud.Tests;

/// <summary>
/// The fleet's site commands against the dev appliance (the real host process with the real media plugin) on a
/// real TLS mosquitto: <c>snapshot</c> PUTs the media plugin's JPEG to an HTTPS URL (a receiver with a fleet-CA
/// certificate), <c>netcheck</c> answers the network doctor's checks (a real chrony as the NTP server), <c>reboot</c>
/// reaches logind (python3-dbusmock on a private bus) only when confirmed; bad arguments run nothing.
/// </summary>
public sealed class SiteCommandTests : IAsyncLifetime
{
    private const string Commands = "appliance/dev-1/commands";
    private const string Responses = "appliance/dev-1/responses/site";
    private const string KeptId = "event-motion-door-20261203T120000000";
    private const string ReferenceId = "reference-door-20261202T0000-night";
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-site-").FullName;
    private TestPki _pki = null!;
    private MosquittoPeer _broker = null!;
    private PrivateBus _bus = null!;
    private Chrony _ntp = null!;
    private HttpsFileReceiver _receiver = null!;
    private HostProcess _host = null!;
    private FleetClient _fleet = null!;
    private byte[] _jpeg = [];
    private byte[] _reference = [];
    private string _data = "";
    private int _requests;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _broker = await MosquittoPeer.StartAsync(_pki, Path.Combine(_folder, "broker"));
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartLogindAsync(_bus);
        _ntp = await Chrony.StartAsync(Directory.CreateDirectory(Path.Combine(_folder, "chrony")).FullName);
        _receiver = await HttpsFileReceiver.StartAsync(_pki, "uploads");
        var data = _data = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        _jpeg = await KeptSnapshots.CreateAsync(data, KeptId);
        _reference = await KeptSnapshots.CreateAsync(data, ReferenceId);
        var appliance = new JsonObject
        {
            ["systemServices"] = new JsonObject
            {
                ["enabled"] = true,
                ["busAddress"] = _bus.Address,
                ["clockProbe"] = false,
                ["timesyncdDropIn"] = Path.Combine(data, "timesyncd.conf.d", "appliance.conf"),
                ["journalctlPath"] = "/nonexistent/journalctl",
            },
            // Every peer the doctor may try is on loopback: the NTP server is chrony, DNS a closed port.
            ["network"] = new JsonObject
            {
                ["ntpServers"] = new JsonArray(_ntp.EndPoint.Address.ToString()),
                ["updateFqdns"] = new JsonArray("127.0.0.1"),
                ["doctor"] = new JsonObject
                {
                    ["ntpServer"] = _ntp.EndPoint.ToString(),
                    ["dnsServer"] = $"127.0.0.1:{FreePort.Udp()}",
                    ["perCheckTimeoutSeconds"] = 3,
                },
            },
        };
        _host = await CloudHost.StartAsync(_pki, [_broker.Port], ["snapshot", "netcheck", "reboot"], data, appliance, BundledPlugins.Media);
        _fleet = await FleetClient.ConnectAsync(_pki, _broker.Port);
        await _fleet.SubscribeAsync("appliance/dev-1/responses/#");
    }

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _ntp.Dispose();
        await _bus.DisposeAsync();
        await _broker.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<JsonElement> SendAsync(string command, object args)
    {
        var requestId = $"site-{Interlocked.Increment(ref _requests)}";
        await _fleet.PublishAsync(Commands, JsonSerializer.Serialize(new { requestId, command, args }), Responses, Encoding.UTF8.GetBytes(requestId));
        var reply = await _fleet.WaitForAsync(Responses, t => t.Contains($"\"requestId\":\"{requestId}\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(FleetClient.Text(reply)).RootElement;
    }

    private static string Describe(JsonElement result) => result.GetRawText();

    private static string? Code(JsonElement result) =>
        result.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;

    [Fact]
    public async Task Snapshot_uploads_the_media_plugins_jpeg_and_refuses_bad_arguments()
    {
        // The media plugin starts in its own process after the host: until its routes are up the answer is "unavailable".
        var sent = await Eventually.UntilAsync(
            () => SendAsync("snapshot", new { snapshotId = KeptId, url = $"{_receiver.BaseUrl}/upload/kept" }),
            r => Code(r) != "unavailable", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        Assert.True(sent.GetProperty("status").GetString() == "ok", Describe(sent));
        var (bytes, contentType) = _receiver.Stored["kept"];
        Assert.Equal(_jpeg, bytes);
        Assert.Equal("image/jpeg", contentType);
        Assert.Equal(_jpeg.Length, sent.GetProperty("data").GetProperty("size").GetInt64());

        var unknownCamera = await SendAsync("snapshot", new { camera = "no-such-camera", url = $"{_receiver.BaseUrl}/upload/none" });
        Assert.True(Code(unknownCamera) == "not-found", Describe(unknownCamera));
        var both = await SendAsync("snapshot", new { camera = "c1", snapshotId = KeptId, url = $"{_receiver.BaseUrl}/upload/none" });
        Assert.Equal("malformed", Code(both));
        var traversal = await SendAsync("snapshot", new { snapshotId = "../../appliance", url = $"{_receiver.BaseUrl}/upload/none" });
        Assert.Equal("malformed", Code(traversal));
        var plainHttp = await SendAsync("snapshot", new { snapshotId = KeptId, url = "http://127.0.0.1:9/upload/none" });
        Assert.Equal("malformed", Code(plainHttp));
        var missing = await SendAsync("snapshot", new { snapshotId = "event-never-kept", url = $"{_receiver.BaseUrl}/upload/none" });
        Assert.True(Code(missing) == "not-found", Describe(missing));
        Assert.False(_receiver.Stored.ContainsKey("none"));
    }

    [Fact]
    public async Task Events_reference_their_kept_thumbnail_which_the_fleet_fetches_and_is_counted_as_data_use()
    {
        await _host.LoginAsync();
        await _fleet.SubscribeAsync("appliance/dev-1/events");
        await PublishMotionAsync(KeptId);
        await PublishMotionAsync("event-motion-door-never-kept");
        await PublishMotionAsync("../../appliance");

        var kept = await EventWithAsync(KeptId);
        var thumbnail = kept.GetProperty("thumbnail");
        Assert.Equal(KeptId, thumbnail.GetProperty("snapshotId").GetString());
        Assert.Equal("image/jpeg", thumbnail.GetProperty("contentType").GetString());
        Assert.Equal(_jpeg.Length, thumbnail.GetProperty("bytes").GetInt64());
        Assert.Equal("snapshot", thumbnail.GetProperty("command").GetString());
        var gone = (await EventWithAsync("event-motion-door-never-kept")).GetProperty("thumbnail");
        Assert.Equal("missing", gone.GetProperty("omitted").GetString());
        Assert.Contains("not (or no longer) kept", gone.GetProperty("reason").GetString());
        var hostile = (await EventWithAsync("../../appliance")).GetProperty("thumbnail");
        Assert.Equal("malformed", hostile.GetProperty("omitted").GetString());
        Assert.Equal(JsonValueKind.Null, hostile.GetProperty("snapshotId").ValueKind);

        // The fleet fetches what the event references: the JPEG arrives and is counted as thumbnails.
        var sent = await Eventually.UntilAsync(
            () => SendAsync("snapshot", new { snapshotId = thumbnail.GetProperty("snapshotId").GetString(), url = $"{_receiver.BaseUrl}/upload/alert" }),
            r => Code(r) != "unavailable", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        Assert.True(sent.GetProperty("status").GetString() == "ok", Describe(sent));
        Assert.Equal(_jpeg, _receiver.Stored["alert"].Bytes);
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var counted = await Eventually.ValueAsync(
            async () => (await _host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/datause?month={month}")).GetProperty("monthBytes").GetProperty("thumbnails").GetInt64(),
            bytes => bytes >= _jpeg.Length, "the uploaded alert image counted in /api/v1/datause", TimeSpan.FromSeconds(30));
        Assert.Equal(_jpeg.Length, counted);
    }

    [Fact]
    public async Task An_events_image_the_media_plugin_keeps_a_moment_late_is_still_referenced_for_the_fleet()
    {
        // CameraEventReceived is in the media plugin's snapshot.onEvents (its default): the plugin keeps the event's
        // image under the event's id through its own outbox subscription. Written here 1 s after the event (a slow
        // media plugin), it is still referenced by the event the fleet gets (before, the link raced the plugin).
        await _host.LoginAsync();
        await _fleet.SubscribeAsync("appliance/dev-1/events");
        var request = new { type = "CameraEventReceived", category = "camera", data = new { cameraId = "gate", topic = "tns1:VideoSource/Alarm", data = new { } } };
        using var response = await _host.Client.PostAsJsonAsync("/api/v1/events", request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var kept = $"event-{id:N}-gate";
        var jpeg = await KeptSnapshots.CreateAsync(_data, kept);

        var forwarded = await EventWithAsync(kept);
        Assert.Equal("CameraEventReceived", forwarded.GetProperty("type").GetString());
        var thumbnail = forwarded.GetProperty("thumbnail");
        Assert.Equal((kept, (long)jpeg.Length, "snapshot"),
            (thumbnail.GetProperty("snapshotId").GetString(), thumbnail.GetProperty("bytes").GetInt64(), thumbnail.GetProperty("command").GetString()));
    }

    [Fact]
    public async Task A_reference_image_event_reaches_the_fleet_with_its_image_which_the_fleet_fetches()
    {
        await _host.LoginAsync();
        await _fleet.SubscribeAsync("appliance/dev-1/events");
        // As the media plugin announces a day/night reference image it kept (Media.Plugin.Tests: published when taken).
        var taken = new
        {
            type = "ReferenceImageTaken",
            category = "camera",
            data = new { cameraId = "door", snapshotId = ReferenceId, label = "night", scheduledAt = "2026-12-02T00:00:00+00:00", bytes = _reference.Length }
        };
        using (var response = await _host.Client.PostAsJsonAsync("/api/v1/events", taken))
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var forwarded = await EventWithAsync(ReferenceId);
        Assert.Equal("ReferenceImageTaken", forwarded.GetProperty("type").GetString());
        Assert.Equal("night", forwarded.GetProperty("data").GetProperty("label").GetString());
        var thumbnail = forwarded.GetProperty("thumbnail");
        Assert.Equal((ReferenceId, _reference.Length, "snapshot"),
            (thumbnail.GetProperty("snapshotId").GetString(), thumbnail.GetProperty("bytes").GetInt64(), thumbnail.GetProperty("command").GetString()));
        var sent = await Eventually.UntilAsync(
            () => SendAsync("snapshot", new { snapshotId = ReferenceId, url = $"{_receiver.BaseUrl}/upload/reference" }),
            r => Code(r) != "unavailable", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        Assert.True(sent.GetProperty("status").GetString() == "ok", Describe(sent));
        Assert.Equal(_reference, _receiver.Stored["reference"].Bytes);
    }

    private async Task PublishMotionAsync(string snapshotId)
    {
        var motion = new { type = "MotionDetected", category = "analytics", data = new { cameraId = "door", source = "appliance.media", active = true, snapshotId } };
        using var response = await _host.Client.PostAsJsonAsync("/api/v1/events", motion);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> EventWithAsync(string snapshotId)
    {
        var quoted = JsonSerializer.Serialize(snapshotId);
        var message = await _fleet.WaitForAsync("appliance/dev-1/events", t => t.Contains($"\"snapshotId\":{quoted}", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(FleetClient.Text(message)).RootElement;
    }

    [Fact]
    public async Task Netcheck_answers_the_doctors_checks_with_their_verdicts()
    {
        var result = await SendAsync("netcheck", new { });
        Assert.True(result.GetProperty("status").GetString() == "ok", Describe(result));
        var checks = result.GetProperty("data").GetProperty("checks").EnumerateArray().ToList();
        Assert.NotEmpty(checks);
        // Every target is an address on loopback (nothing left this machine).
        Assert.All(checks, c => Assert.True(c.GetProperty("target").GetString()!.Contains("127.0.0.1", StringComparison.Ordinal), c.GetRawText()));
        var ntp = Assert.Single(checks, c => c.GetProperty("name").GetString()!.Contains("ntp", StringComparison.OrdinalIgnoreCase));
        Assert.True(ntp.GetProperty("status").GetString() == "pass", ntp.GetRawText());
        Assert.Contains(checks, c => c.GetProperty("status").GetString() == "fail" && c.GetProperty("remediation").GetString() is { Length: > 0 });
        Assert.Equal(checks.Count(c => c.GetProperty("status").GetString() == "pass"), result.GetProperty("data").GetProperty("passed").GetInt32());
    }

    [Fact]
    public async Task Reboot_reaches_logind_only_when_confirmed()
    {
        var unconfirmed = await SendAsync("reboot", new { });
        Assert.Equal("malformed", Code(unconfirmed));
        Assert.Equal("a(tav) 0", (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "Reboot")).Trim());

        var reboot = await SendAsync("reboot", new { confirm = "reboot" });
        Assert.True(reboot.GetProperty("status").GetString() == "ok", Describe(reboot));
        await Eventually.UntilAsync(
            async () => (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "Reboot")).Trim().StartsWith("a(tav) 1", StringComparison.Ordinal),
            "logind was asked to reboot", TimeSpan.FromSeconds(20));
    }
}
