using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Host.Events;
using Appliance.Host.SystemServices.Updates;

namespace Appliance.Host.Tests;

/// <summary>
/// The event log's one-line summaries: every known type from the data its real record serialises to, and data of
/// the wrong shape, hostile text and oversized values, which must give a bounded printable line and never throw.
/// </summary>
public sealed class EventSummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private static readonly StreamHealth Health = new("playing", 25, 4096.4, 2, 10_000, 50, 0.5, 3, null, At, "H264", "tcp");

    public static TheoryData<IApplianceEvent, string> KnownEvents() => new()
    {
        { new CameraWentOnline("gate", "rtsp://user:secret@192.0.2.1/s"), "Camera gate went online" },
        { new CameraWentOffline("gate", "connection refused"), "Camera gate went offline: connection refused" },
        { new StreamGapOccurred("gate", At, At.AddSeconds(12.5), "read timeout", 2), "Camera gate: 12.5 s gap in the stream (read timeout, 2 reconnect(s))" },
        { new StreamGapOccurred("gate", At, null, "read timeout", 1), "Camera gate: stream interrupted (read timeout, 1 reconnect(s))" },
        { new StreamHealthMeasured("gate", Health), "Camera gate: playing, 25 fps, 4096 kbit/s, 0.5 % loss" },
        {
            new DeviceDiscovered(new DiscoveredDevice("urn:uuid:1", "ws-discovery", ["http://192.0.2.5/onvif/device_service"], [], "Yard camera", null, null, new Dictionary<string, string>(), At)),
            "Discovered Yard camera by ws-discovery at http://192.0.2.5/onvif/device_service"
        },
        { new DiscoveryRequested("admin"), "Discovery requested by admin" },
        { new MotionDetected("gate", "media", true, ["door", "path"]), "Motion started on camera gate (media) in door, path" },
        { new MotionDetected("gate", "onvif", false), "Motion ended on camera gate (onvif)" },
        { new TamperDetected("gate", "onvif", true), "Tamper started on camera gate (onvif)" },
        { new ReferenceImageTaken("gate", "reference-gate-20261202T1200-day", "day", At, 51234), "Camera gate: day reference image reference-gate-20261202T1200-day (51234 bytes)" },
        { new DigitalInputChanged("io1", "in2", false), "Input io1/in2 became inactive" },
        { new CameraEventReceived("gate", "tns1:Device/Trigger/Relay", new Dictionary<string, string> { ["State"] = "active" }), "Camera gate: tns1:Device/Trigger/Relay State=active" },
        { new SystemHealthSampled(12.34, 512L * 1048576, 2048L * 1048576, 48.25, 100), "System: CPU 12.3 %, memory 512 of 2048 MiB, 48.3 °C" },
        { new SystemHealthSampled(1, 1048576, 2097152, null, 100), "System: CPU 1 %, memory 1 of 2 MiB" },
        { new PluginStateChanged("appliance.rtsp", "1.2.0", "Quarantined", "threw at start"), "Plugin appliance.rtsp 1.2.0: Quarantined: threw at start" },
        {
            new RuleActionRequested("r1", "Door alarm", 0, "webhook", "siren", new Dictionary<string, string>(), [], Guid.Empty, "MotionDetected", At, "gate", null, null),
            "Rule Door alarm asks for webhook to siren (camera gate)"
        },
        { new RuleActionDelivered(Guid.Empty, "r1", "email", "ops", 2, At), "email to ops delivered after 2 attempt(s) (rule r1)" },
        { new RuleActionExpired(Guid.Empty, "r1", "sms", "+10000", 5, TimeSpan.FromHours(1), "gateway down"), "sms to +10000 given up after 5 attempt(s): gateway down" },
        { new TranscodeRequested("j1", "camera/gate", "camera/gate~small", 640, 360, 500), "Transcode j1 requested: camera/gate to camera/gate~small" },
        { new TranscodeInputEnded("j1", 1500), "Transcode j1: input ended after 1500 frames" },
        { new TranscodeStateChanged("j1", "failed", 10, 8, 640, 360, "encoder gone"), "Transcode j1: failed, 8 frames out: encoder gone" },
        { new ImageUpdateChanged("2.1.0", "Installed", null), "System image 2.1.0: Installed" },
    };

    [Theory]
    [MemberData(nameof(KnownEvents))]
    public void EveryKnownType_ReadsAsOneLine(IApplianceEvent @event, string expected)
    {
        var data = JsonSerializer.SerializeToElement(@event, @event.GetType(), EventEnvelope.SerializerOptions);
        Assert.Equal(expected, EventSummary.Of(@event.GetType().Name, data));
    }

    [Fact]
    public void EveryEventRecordOfTheAbstractions_HasASummaryOfItsOwn()
    {
        var types = typeof(IApplianceEvent).Assembly.GetTypes().Where(t => t.IsClass && typeof(IApplianceEvent).IsAssignableFrom(t)).Select(t => t.Name).ToList();
        var covered = KnownEvents().Select(row => row[0].GetType().Name).ToHashSet();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.Contains(t, covered));
    }

    [Theory]
    [InlineData("PortalCheckRaised", """{"n":1,"zone":"north"}""", "n=1, zone=north")]
    [InlineData("SomethingNew", """{"a":{"nested":1},"b":[1,2],"c":null,"d":true}""", "d=true")]
    [InlineData("SomethingNew", """{}""", "no details")]
    [InlineData("SomethingNew", """[1,2,3]""", "no details")]
    [InlineData("SomethingNew", "\"just text\"", "just text")]
    [InlineData("SomethingNew", "42", "42")]
    [InlineData("SomethingNew", "null", "no details")]
    [InlineData("SomethingNew", """{"a":1,"b":2,"c":3,"d":4,"e":5}""", "a=1, b=2, c=3, d=4")]
    public void AnUnknownType_ShowsItsFirstPlainFields(string type, string json, string expected) =>
        Assert.Equal(expected, EventSummary.Of(type, Parse(json)));

    [Theory]
    [InlineData("CameraWentOffline", """{"cameraId":42,"reason":"x"}""", "cameraId=42, reason=x")] // a number where text belongs
    [InlineData("CameraWentOffline", """{"reason":"x"}""", "reason=x")] // the camera missing
    [InlineData("StreamHealthMeasured", """{"cameraId":"gate","health":"broken"}""", "cameraId=gate, health=broken")]
    [InlineData("StreamHealthMeasured", """{"cameraId":"gate","health":{"state":"playing","fps":"many"}}""", "Camera gate: playing, ? fps, ? kbit/s, ? % loss")]
    [InlineData("MotionDetected", """{"cameraId":"gate","active":"yes"}""", "cameraId=gate, active=yes")]
    [InlineData("ReferenceImageTaken", """{"cameraId":"gate","snapshotId":7}""", "cameraId=gate, snapshotId=7")] // no usable image id
    [InlineData("ReferenceImageTaken", """{"cameraId":"gate","snapshotId":"reference-x","bytes":"big"}""", "Camera gate: reference reference image reference-x")]
    [InlineData("DigitalInputChanged", "[]", "no details")]
    [InlineData("StreamGapOccurred", """{"cameraId":"gate","from":"not a time","until":"2026-01-01T00:00:00Z","reason":"r"}""", "Camera gate: stream interrupted (r)")]
    [InlineData("StreamGapOccurred", """{"cameraId":"gate","from":"2026-01-01T00:01:00Z","until":"2026-01-01T00:00:00Z","reason":"r"}""", "Camera gate: stream interrupted (r)")]
    public void DataOfTheWrongShape_FallsBackOrLeavesTheFieldOut(string type, string json, string expected) =>
        Assert.Equal(expected, EventSummary.Of(type, Parse(json)));

    [Fact]
    public void ControlAndDirectionCharacters_BecomeSpaces()
    {
        var line = EventSummary.Of("CameraWentOffline", Parse("""{"cameraId":"ga\u202Ete\u0000","reason":"line1\nline2\r\u2028\u0007end"}"""));
        Assert.Equal("Camera ga te went offline: line1 line2 end", line);
    }

    [Fact]
    public void OversizedText_IsClipped_AndTheLineStaysBounded()
    {
        var huge = new string('x', 100_000);
        var line = EventSummary.Of("CameraWentOffline", JsonSerializer.SerializeToElement(new { cameraId = huge, reason = huge }));
        Assert.True(line.Length <= EventSummary.MaxLength, $"{line.Length} characters");
        Assert.StartsWith("Camera xxx", line);
        Assert.Contains("…", line);
    }

    [Fact]
    public void HugeNumbers_AreClipped()
    {
        var line = EventSummary.Of("SystemHealthSampled", Parse("""{"cpuPercent":1e308,"memoryUsedBytes":1e308,"memoryTotalBytes":-1e308}"""));
        Assert.StartsWith("System: CPU 1", line);
        Assert.True(line.Length <= EventSummary.MaxLength, $"{line.Length} characters");
    }

    [Fact]
    public void ManyFields_AndDeepNesting_GiveABoundedLine()
    {
        var wide = JsonSerializer.SerializeToElement(Enumerable.Range(0, 10_000).ToDictionary(i => "k" + i, i => new string('v', 500)));
        Assert.True(EventSummary.Of("Wide", wide).Length <= EventSummary.MaxLength);
        var deep = Parse(string.Concat(Enumerable.Repeat("{\"a\":", 60)) + "1" + new string('}', 60));
        Assert.Equal("no details", EventSummary.Of("Deep", deep));
    }

    [Fact]
    public void ClippingNeverSplitsASurrogatePair()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 100));
        var line = EventSummary.Of("CameraWentOffline", JsonSerializer.SerializeToElement(new { cameraId = "gate", reason = emoji }));
        Assert.False(char.IsHighSurrogate(line[^2]), "a lone high surrogate before the ellipsis");
        Assert.EndsWith("…", line);
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
