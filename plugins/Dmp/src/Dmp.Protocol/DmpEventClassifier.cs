using System.Collections.Frozen;

namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>
/// Maps a parsed Serial 3 event to a <see cref="DmpEvent"/>. Definitions and type codes as named in DMP's Serial 3
/// documentation (LT-0872 Host Communication Specification, LT-2747 Serial 3 System Messages) and the open-source
/// hass-dmp integration's code table. Unknown definitions or types are kept as <see cref="DmpEventKind.Other"/> with
/// their raw code, never refused: the frame itself was well-formed and the panel gets its acknowledgement.
/// </summary>
public static class DmpEventClassifier
{
    private static readonly FrozenDictionary<char, string> Definitions = new Dictionary<char, string>
    {
        ['a'] = "Zone Alarm",
        ['b'] = "Zone Force Armed",
        ['c'] = "Device Status",
        ['d'] = "Wireless Low Battery",
        ['e'] = "Equipment",
        ['f'] = "Walk Test Fail",
        ['g'] = "Holidays",
        ['h'] = "Wireless Zone Missing",
        ['j'] = "Zone Access",
        ['k'] = "Walk Test Verify",
        ['l'] = "Schedules",
        ['m'] = "Service Code",
        ['q'] = "Arming Status",
        ['r'] = "Zone Restore",
        ['s'] = "System Message",
        ['t'] = "Zone Trouble",
        ['u'] = "User Codes",
        ['w'] = "Zone Fault",
        ['x'] = "Zone Bypass",
        ['y'] = "Zone Reset",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>
    {
        ["BL"] = "Blank",
        ["FI"] = "Fire",
        ["BU"] = "Burglary",
        ["SV"] = "Supervisory",
        ["PN"] = "Panic",
        ["EM"] = "Emergency",
        ["A1"] = "Auxiliary 1",
        ["A2"] = "Auxiliary 2",
        ["DO"] = "Door Open",
        ["DC"] = "Door Closed",
        ["HO"] = "Door Held Open",
        ["FO"] = "Door Forced Open",
        ["OP"] = "Area Disarmed",
        ["CL"] = "Area Armed",
        ["LA"] = "Area Late to Arm",
    }.ToFrozenDictionary();

    /// <summary>System messages (<c>Zs</c>) by number; from DMP LT-2747.</summary>
    private static readonly FrozenDictionary<int, string> SystemMessages = new Dictionary<int, string>
    {
        [0] = "AC Power Restored",
        [1] = "Standby Battery Restored",
        [2] = "Communication Line Restored",
        [3] = "Panel Tamper Restored",
        [4] = "Backup Communication Restored",
        [5] = "Panel Ground Restored",
        [6] = "System Not Armed by Scheduled Time",
        [7] = "Automatic Recall Test OK",
        [8] = "AC Power Failure",
        [9] = "Low Standby Battery",
        [10] = "Low Communication Signal",
        [11] = "Panel Tamper",
        [12] = "Backup Communication Failure",
        [13] = "Panel Ground Fault",
        [14] = "Non-Alarm Message Overflow",
        [15] = "Ambush / Silent Alarm",
        [18] = "Alarm Message Overflow",
        [72] = "Network Trouble",
        [73] = "Network Restored",
        [74] = "Panel Tamper During Armed State",
        [97] = "Network Test OK",
    }.ToFrozenDictionary();

    private static readonly FrozenSet<int> SystemRestorals = new[] { 0, 1, 2, 3, 4, 5, 27, 29, 31, 39, 53, 73, 89, 102 }.ToFrozenSet();

    /// <summary>The event a message of kind <see cref="DmpMessageKind.Event"/> stands for.</summary>
    public static DmpEvent Classify(DmpMessage message)
    {
        if (message.Kind != DmpMessageKind.Event) throw new ArgumentException($"only events are classified, not {message.Kind}", nameof(message));
        var code = message.EventCode;
        var codeName = Definitions.GetValueOrDefault(message.Definition, "Unknown Definition");
        var zone = message.Field('z');
        var area = message.Field('a');
        var user = message.Field('u');
        var type = TypeCode(message.Field('t'));
        var typeName = type is null ? null : Types.GetValueOrDefault(type);
        DmpEvent Make(DmpEventKind kind, string state, bool restoral = false, string? typeOverride = null, string? typeNameOverride = null) =>
            new(kind, state, code, codeName, typeOverride ?? type, typeNameOverride ?? typeName,
                zone?.NumberValue, Blank(zone?.Name), area?.NumberValue, Blank(area?.Name), user?.NumberValue, Blank(user?.Name), restoral);

        switch (message.Definition)
        {
            case 'a': return Make(DmpEventKind.Alarm, "alarm");
            case 'q':
                return type switch
                {
                    "CL" => Make(DmpEventKind.Arming, "armed"),
                    "OP" => Make(DmpEventKind.Arming, "disarmed"),
                    "LA" => Make(DmpEventKind.Arming, "late-to-arm"),
                    _ => Make(DmpEventKind.Other, "arming-unknown"),
                };
            case 'r': return Make(DmpEventKind.Zone, "restored", restoral: true);
            case 'x': return Make(DmpEventKind.Zone, "bypassed");
            case 'y': return Make(DmpEventKind.Zone, "reset", restoral: true);
            case 'b': return Make(DmpEventKind.Zone, "force-armed");
            case 'c':
                return type switch
                {
                    "DO" => Make(DmpEventKind.Zone, "open"),
                    "DC" => Make(DmpEventKind.Zone, "closed", restoral: true),
                    "HO" => Make(DmpEventKind.Zone, "held-open"),
                    "FO" => Make(DmpEventKind.Zone, "forced-open"),
                    _ => Make(DmpEventKind.Other, "device-status"),
                };
            case 't': return Make(DmpEventKind.Trouble, "trouble");
            case 'w': return Make(DmpEventKind.Trouble, "fault");
            case 'h': return Make(DmpEventKind.Trouble, "missing");
            case 'f': return Make(DmpEventKind.Trouble, "walk-test-fail");
            case 'd': return Make(DmpEventKind.Trouble, "low-battery");
            case 's':
                var number = message.Field('t')?.NumberValue;
                if (number is null) return Make(DmpEventKind.Other, "system-unknown");
                var name = SystemMessages.GetValueOrDefault(number.Value, "System Message");
                var systemType = number.Value.ToString("000", System.Globalization.CultureInfo.InvariantCulture);
                return number is 7 or 97
                    ? Make(DmpEventKind.Test, "test", typeOverride: systemType, typeNameOverride: name)
                    : Make(DmpEventKind.Trouble, "system", SystemRestorals.Contains(number.Value), systemType, name);
            default: return Make(DmpEventKind.Other, codeName.ToLowerInvariant().Replace(' ', '-'));
        }
    }

    /// <summary>
    /// The type code of a <c>t</c> field: <c>"BU</c> (empty number, the code as name) gives <c>BU</c>; a qualifier
    /// letter before a two-letter code (<c>SOP</c>) gives <c>OP</c>; a number (<c>009</c>) is kept.
    /// </summary>
    private static string? TypeCode(DmpField? field)
    {
        if (field is null) return null;
        if (field.Number.Length == 0) return Blank(field.Name);
        if (field.Number.Length == 3 && field.Number.All(char.IsAsciiLetterOrDigit) && !field.Number.All(char.IsAsciiDigit)) return field.Number[1..];
        return field.Number;
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
