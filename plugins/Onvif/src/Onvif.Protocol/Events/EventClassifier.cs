namespace Appliance.Plugins.Onvif.Protocol.Events;

public enum CameraEventKind { Motion, Tamper, DigitalInput, Other }

/// <summary>A notification sorted into what the appliance reacts to.</summary>
public sealed record ClassifiedEvent(CameraEventKind Kind, string Topic, string Source, bool? Active, IReadOnlyDictionary<string, string> Items);

/// <summary>
/// Maps ONVIF topics (ONVIF Core, "Topic structure"; topics from the Video Analytics and Device IO specifications) to event kinds:
/// <c>VideoSource/MotionAlarm</c> and <c>RuleEngine/CellMotionDetector/Motion</c> are motion; <c>VideoSource/GlobalSceneChange/*</c>,
/// <c>VideoSource/ImageTooDark|Bright|Blurry/*</c> and <c>RuleEngine/TamperDetector/Tamper</c> are tamper;
/// <c>Device/Trigger/DigitalInput</c> is a digital input. Everything else is passed on as it is.
/// </summary>
public static class EventClassifier
{
    private static readonly string[] ActiveItemNames = ["IsMotion", "State", "LogicalState", "IsTamper", "Motion", "IsActive", "Value"];

    public static ClassifiedEvent Classify(NotificationMessage message)
    {
        var path = message.Topic.Split('/').Select(StripPrefix).ToArray();
        var kind = KindOf(path);
        var items = message.AllItems();
        var source = kind == CameraEventKind.DigitalInput
            ? FirstValue(message.Source, "InputToken", "DigitalInputToken", "Index") ?? Describe(message.Source)
            : Describe(message.Source);
        return new ClassifiedEvent(kind, message.Topic, source, Active(message.Data), items);
    }

    private static CameraEventKind KindOf(string[] path)
    {
        bool Starts(params string[] prefix) =>
            path.Length >= prefix.Length && prefix.Select((p, i) => string.Equals(path[i], p, StringComparison.OrdinalIgnoreCase)).All(b => b);

        if (Starts("VideoSource", "MotionAlarm") || Starts("RuleEngine", "CellMotionDetector", "Motion") ||
            Starts("RuleEngine", "MotionRegionDetector", "Motion"))
            return CameraEventKind.Motion;
        if (Starts("VideoSource", "GlobalSceneChange") || Starts("VideoSource", "ImageTooDark") ||
            Starts("VideoSource", "ImageTooBright") || Starts("VideoSource", "ImageTooBlurry") ||
            Starts("RuleEngine", "TamperDetector"))
            return CameraEventKind.Tamper;
        if (Starts("Device", "Trigger", "DigitalInput") || Starts("Device", "IO", "DigitalInput"))
            return CameraEventKind.DigitalInput;
        return CameraEventKind.Other;
    }

    /// <summary>The boolean state carried by the data items (true/false, 1/0, active/inactive), if any.</summary>
    private static bool? Active(IReadOnlyList<SimpleItem> data)
    {
        foreach (var name in ActiveItemNames)
        {
            var item = data.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));
            if (item.Name is not null && ParseBool(item.Value) is { } value) return value;
        }
        foreach (var item in data)
            if (ParseBool(item.Value) is { } value) return value;
        return null;
    }

    private static bool? ParseBool(string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "active" or "on" => true,
        "false" or "0" or "inactive" or "off" => false,
        _ => null,
    };

    private static string StripPrefix(string segment)
    {
        var colon = segment.IndexOf(':');
        return colon >= 0 ? segment[(colon + 1)..] : segment;
    }

    private static string? FirstValue(IReadOnlyList<SimpleItem> items, params string[] names) =>
        names.Select(n => items.FirstOrDefault(i => i.Name == n).Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static string Describe(IReadOnlyList<SimpleItem> source) =>
        source.Count == 0 ? "" : string.Join(",", source.Select(i => $"{i.Name}={i.Value}"));
}
