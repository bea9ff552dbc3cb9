using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Milestone.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Milestone.Tests;

/// <summary>
/// Analytics events checked field by field against Milestone's MIP documentation, "Analytics Event and MAD protocol"
/// (https://doc.developer.milestonesys.com/html/reference/protocols/analytics_and_mad_events.html): raw XML to the
/// event server's analytics port (default 9090), root AnalyticsEvent in urn:milestone-systems, EventHeader with ID
/// (GUID), Timestamp (ISO 8601), Type, Message (the analytics event's name in the Management Client), Source/Name.
/// </summary>
public sealed class AnalyticsEventTests
{
    private static readonly XNamespace Ns = "urn:milestone-systems";

    /// <summary>The validating listener: every documented field, in place, with the right form.</summary>
    private static XElement Validate(byte[] received)
    {
        var doc = XDocument.Parse(Encoding.UTF8.GetString(received));
        var root = doc.Root!;
        Assert.Equal(Ns + "AnalyticsEvent", root.Name);
        var header = root.Element(Ns + "EventHeader")!;
        Assert.NotNull(header);
        Assert.True(Guid.TryParse(header.Element(Ns + "ID")!.Value, out _), "EventHeader/ID is a GUID");
        var timestamp = header.Element(Ns + "Timestamp")!.Value;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$", timestamp);
        Assert.True(DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, out _));
        Assert.False(string.IsNullOrEmpty(header.Element(Ns + "Type")!.Value), "EventHeader/Type");
        Assert.False(string.IsNullOrEmpty(header.Element(Ns + "Message")!.Value), "EventHeader/Message");
        Assert.False(string.IsNullOrEmpty(header.Element(Ns + "Source")!.Element(Ns + "Name")!.Value), "EventHeader/Source/Name");
        // Order inside EventHeader as documented: ID, Timestamp, Type, Message, (CustomTag), Source.
        var order = header.Elements().Select(e => e.Name.LocalName).Where(n => n != "CustomTag").ToList();
        Assert.Equal(["ID", "Timestamp", "Type", "Message", "Source"], order);
        return root;
    }

    private static RuleActionRequested Action(string message) => new(
        "lobby-motion", "Motion in the lobby", 0, "vms", "milestone", new Dictionary<string, string> { ["message"] = message }, [],
        Guid.NewGuid(), "MotionDetected", new DateTimeOffset(2026, 3, 2, 10, 20, 30, 456, TimeSpan.FromHours(2)), "lobby", null, "door");

    [Fact]
    public async Task An_analytics_event_reaches_the_validating_listener_with_every_documented_field()
    {
        await using var server = new RecordingTcpServer(_ => Encoding.UTF8.GetBytes("OK"), readToEnd: true);
        var evt = MilestonePlugin.ToAnalyticsEvent(Action("Motion at the door"));
        var result = await new EventServerClient().SendAnalyticsAsync("127.0.0.1", server.Port, evt, TimeSpan.FromSeconds(20), default);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("OK", result.Value);
        var root = Validate((await server.WaitForAsync(1)).Single());
        var header = root.Element(Ns + "EventHeader")!;
        Assert.Equal(evt.Id.ToString(), header.Element(Ns + "ID")!.Value);
        Assert.Equal("2026-03-02T10:20:30.456+02:00", header.Element(Ns + "Timestamp")!.Value);
        Assert.Equal("MotionDetected", header.Element(Ns + "Type")!.Value);
        Assert.Equal("Motion at the door", header.Element(Ns + "Message")!.Value);
        Assert.Equal("lobby-motion", header.Element(Ns + "CustomTag")!.Value);
        Assert.Equal("lobby", header.Element(Ns + "Source")!.Element(Ns + "Name")!.Value);
        Assert.Equal("Motion in the lobby", root.Element(Ns + "Description")!.Value);
        Assert.Equal("Appliance", root.Element(Ns + "Vendor")!.Element(Ns + "Name")!.Value);
    }

    [Fact]
    public void The_same_action_always_gets_the_same_event_id_and_another_action_another()
    {
        var a = Action("x");
        Assert.Equal(MilestonePlugin.ToAnalyticsEvent(a).Id, MilestonePlugin.ToAnalyticsEvent(a).Id);
        Assert.NotEqual(MilestonePlugin.ToAnalyticsEvent(a).Id, MilestonePlugin.ToAnalyticsEvent(a with { ActionIndex = 1 }).Id);
    }

    [Theory]
    [InlineData("<b>&amp;\"'</b>")]
    [InlineData("bell\u0007 nul\u0000 esc\u001b")]
    [InlineData("lone \ud800 surrogate, pair 😀 漢")]
    public void Hostile_text_still_gives_well_formed_xml_with_the_documented_shape(string message)
    {
        var xml = new AnalyticsEvent(Guid.NewGuid(), DateTimeOffset.UtcNow, "T", message, new string('n', 5000)).ToXml();
        var root = Validate(xml);
        var header = root.Element(Ns + "EventHeader")!;
        Assert.Equal(AnalyticsEvent.MaxFieldLength, header.Element(Ns + "Source")!.Element(Ns + "Name")!.Value.Length);
        Assert.DoesNotContain(header.Element(Ns + "Message")!.Value, c => char.IsControl(c) && c != '\t');
    }

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_times_out_and_a_closed_port_is_a_transport_error()
    {
        await using var silent = new RecordingTcpServer(_ => null, readToEnd: true);
        var evt = new AnalyticsEvent(Guid.NewGuid(), DateTimeOffset.UtcNow, "T", "M", "S");
        var hung = await new EventServerClient().SendAnalyticsAsync("127.0.0.1", silent.Port, evt, TimeSpan.FromSeconds(1), default);
        Assert.Equal("timeout", hung.Failure!.Code);
        Assert.Contains("did not answer and close within 1 s", hung.Failure.Message);
        var closed = await new EventServerClient().SendAnalyticsAsync("127.0.0.1", FreePort.Tcp(), evt, TimeSpan.FromSeconds(10), default);
        Assert.Equal("transport", closed.Failure!.Code);
        Assert.Contains("ConnectionRefused", closed.Failure.Message);
    }

    [Fact]
    public async Task A_server_down_for_a_while_gets_every_event_afterwards_in_order()
    {
        var port = FreePort.Tcp();
        var sender = new DeliveryAttempts(TimeProvider.System, quickAttempts: 2, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        var client = new EventServerClient();
        var events = Enumerable.Range(0, 5).Select(i => new AnalyticsEvent(Guid.NewGuid(), DateTimeOffset.UtcNow, "T", $"event {i}", "S")).ToList();
        // Down: every event is left for later (the outbox keeps it), attempts counted.
        foreach (var e in events)
        {
            var outcome = await sender.RunAsync(e.Id.ToString(), DateTimeOffset.UtcNow, ct => client.SendAnalyticsAsync("127.0.0.1", port, e, TimeSpan.FromSeconds(5), ct), default);
            Assert.Equal(DeliveryResult.RetryLater, outcome.Result);
            Assert.Contains("transport", outcome.LastError);
        }
        // Back: the outbox hands them again in order; each is delivered, counting the earlier attempts.
        await using var server = new RecordingTcpServer(_ => [], readToEnd: true, port: port);
        foreach (var e in events)
        {
            var outcome = await sender.RunAsync(e.Id.ToString(), DateTimeOffset.UtcNow, ct => client.SendAnalyticsAsync("127.0.0.1", port, e, TimeSpan.FromSeconds(5), ct), default);
            Assert.Equal(DeliveryResult.Delivered, outcome.Result);
            Assert.Equal(3, outcome.Attempts);
        }
        var received = await server.WaitForAsync(5);
        Assert.Equal(events.Select(e => e.Message), received.Select(r => Validate(r).Element(Ns + "EventHeader")!.Element(Ns + "Message")!.Value));
    }

    [Fact]
    public async Task An_event_older_than_the_age_limit_is_expired_not_dropped_silently()
    {
        var sender = new DeliveryAttempts(TimeProvider.System, quickAttempts: 1, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        var e = new AnalyticsEvent(Guid.NewGuid(), DateTimeOffset.UtcNow, "T", "M", "S");
        var outcome = await sender.RunAsync("m", DateTimeOffset.UtcNow.AddMinutes(-10),
            ct => new EventServerClient().SendAnalyticsAsync("127.0.0.1", FreePort.Tcp(), e, TimeSpan.FromSeconds(5), ct), default);
        Assert.Equal(DeliveryResult.Expired, outcome.Result);
        Assert.Equal(1, outcome.Attempts);
        Assert.StartsWith("transport:", outcome.LastError);
    }

    [Fact]
    public void Server_configuration_errors_name_every_bad_field()
    {
        using var doc = JsonDocument.Parse("""
            [ { "name": "m", "host": "127.0.0.1" },
              { "name": "m", "host": "not a host!", "port": 0, "generic": "smoke", "genericPort": 70000, "timeoutSeconds": "x" }, [] ]
            """);
        var result = EventServers.Parse(doc.RootElement);
        Assert.False(result.IsOk);
        foreach (var f in new[] { "servers[1].name", "servers[1].host", "servers[1].port", "servers[1].generic", "servers[1].genericPort", "servers[1].timeoutSeconds", "servers[2]: expected an object" })
            Assert.Contains(f, result.Failure!.Message);
    }

    [Fact]
    public void The_protocol_library_references_no_host_and_no_other_plugin()
    {
        var references = typeof(EventServerClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Appliance.Host") || r.StartsWith("Appliance.Core") || (r.StartsWith("Appliance.Plugins.") && !r.StartsWith("Appliance.Plugins.Milestone")));
    }
}
