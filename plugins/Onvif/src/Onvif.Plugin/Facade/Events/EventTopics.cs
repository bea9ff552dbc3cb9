using System.Xml.Linq;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Plugin.Facade.Services;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Events;

/// <summary>
/// The appliance's events as ONVIF notifications (ONVIF Core, "Notification topics"; tt:Message with Source and Data
/// SimpleItems): motion as <c>tns1:VideoSource/MotionAlarm</c> (State), digital inputs as
/// <c>tns1:Device/Trigger/DigitalInput</c> (LogicalState), a camera going offline or online as
/// <c>tns1:VideoSource/SignalLoss</c> (State true while offline), rule outputs for a VMS as <c>appl:RuleEngine/RuleOutput</c>
/// (ONVIF defines no topic for them). Sources name the facade's video source tokens, so a VMS maps them to its channels.
/// </summary>
public static class EventTopics
{
    public const string ConcreteSetDialect = "http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet";

    /// <summary>The event types the facade subscribes to on the bus.</summary>
    public static readonly IReadOnlyList<string> EventTypes =
        [nameof(MotionDetected), nameof(DigitalInputChanged), nameof(CameraWentOffline), nameof(CameraWentOnline), nameof(RuleActionRequested)];

    public sealed record Notification(string Topic, DateTimeOffset At, IReadOnlyList<(string Name, string Value)> Source, IReadOnlyList<(string Name, string Value)> Data);

    /// <summary>The notification for an event, or null for events the facade does not carry (other types, non-VMS rule actions).</summary>
    public static Notification? From(EventEnvelope envelope)
    {
        static string Bool(bool b) => b ? "true" : "false";
        static string Source(string cameraId) => "vs_" + ChannelCatalog.Token(cameraId);
        if (envelope.TryGet<MotionDetected>(out var motion))
            return new("tns1:VideoSource/MotionAlarm", envelope.OccurredAt, [("Source", Source(motion!.CameraId))], [("State", Bool(motion.Active))]);
        if (envelope.TryGet<DigitalInputChanged>(out var input))
            return new("tns1:Device/Trigger/DigitalInput", envelope.OccurredAt, [("InputToken", $"{input!.Device}/{input.Input}")], [("LogicalState", Bool(input.Active))]);
        if (envelope.TryGet<CameraWentOffline>(out var offline))
            return new("tns1:VideoSource/SignalLoss", envelope.OccurredAt, [("Source", Source(offline!.CameraId))], [("State", "true")]);
        if (envelope.TryGet<CameraWentOnline>(out var online))
            return new("tns1:VideoSource/SignalLoss", envelope.OccurredAt, [("Source", Source(online!.CameraId))], [("State", "false")]);
        if (envelope.TryGet<RuleActionRequested>(out var rule) && rule!.Kind == "vms")
            return new("appl:RuleEngine/RuleOutput", envelope.OccurredAt, [("Rule", rule.RuleName)],
                [("Target", rule.Target), ("Message", rule.Parameters.GetValueOrDefault("message") ?? ""), ("Camera", rule.CameraId ?? "")]);
        return null;
    }

    public static XElement ToXml(Notification n) =>
        new(Ns.Wsnt + "NotificationMessage",
            new XElement(Ns.Wsnt + "Topic", new XAttribute("Dialect", ConcreteSetDialect), n.Topic),
            new XElement(Ns.Wsnt + "Message",
                new XElement(Ns.Tt + "Message", new XAttribute("UtcTime", FacadeSoap.DateTime(n.At)), new XAttribute("PropertyOperation", "Changed"),
                    new XElement(Ns.Tt + "Source", n.Source.Select(Item)),
                    new XElement(Ns.Tt + "Data", n.Data.Select(Item)))));

    private static XElement Item((string Name, string Value) item) =>
        new(Ns.Tt + "SimpleItem", new XAttribute("Name", item.Name), new XAttribute("Value", item.Value));

    /// <summary>The topic set of GetEventProperties: each topic with its message description.</summary>
    public static XElement TopicSet()
    {
        static XElement Description(string sourceName, string sourceType, string dataName) =>
            new(Ns.Tt + "MessageDescription", new XAttribute("IsProperty", "true"),
                new XElement(Ns.Tt + "Source", new XElement(Ns.Tt + "SimpleItemDescription", new XAttribute("Name", sourceName), new XAttribute("Type", sourceType))),
                new XElement(Ns.Tt + "Data", new XElement(Ns.Tt + "SimpleItemDescription", new XAttribute("Name", dataName), new XAttribute("Type", "xs:boolean"))));
        XElement Leaf(XNamespace ns, string name, XElement description) =>
            new(ns + name, new XAttribute(FacadeSoap.Wstop + "topic", "true"), description);
        return new XElement(FacadeSoap.Wstop + "TopicSet",
            new XElement(Ns.Tns1 + "VideoSource",
                Leaf(Ns.Tns1, "MotionAlarm", Description("Source", "tt:ReferenceToken", "State")),
                Leaf(Ns.Tns1, "SignalLoss", Description("Source", "tt:ReferenceToken", "State"))),
            new XElement(Ns.Tns1 + "Device", new XElement(Ns.Tns1 + "Trigger",
                Leaf(Ns.Tns1, "DigitalInput", Description("InputToken", "tt:ReferenceToken", "LogicalState")))),
            new XElement(FacadeSoap.Appl + "RuleEngine",
                new XElement(FacadeSoap.Appl + "RuleOutput", new XAttribute(FacadeSoap.Wstop + "topic", "true"),
                    new XElement(Ns.Tt + "MessageDescription", new XAttribute("IsProperty", "false"),
                        new XElement(Ns.Tt + "Source", new XElement(Ns.Tt + "SimpleItemDescription", new XAttribute("Name", "Rule"), new XAttribute("Type", "xs:string"))),
                        new XElement(Ns.Tt + "Data",
                            new XElement(Ns.Tt + "SimpleItemDescription", new XAttribute("Name", "Target"), new XAttribute("Type", "xs:string")),
                            new XElement(Ns.Tt + "SimpleItemDescription", new XAttribute("Name", "Message"), new XAttribute("Type", "xs:string")),
                            new XElement(Ns.Tt + "SimpleItemDescription", new XAttribute("Name", "Camera"), new XAttribute("Type", "xs:string")))))));
    }
}
