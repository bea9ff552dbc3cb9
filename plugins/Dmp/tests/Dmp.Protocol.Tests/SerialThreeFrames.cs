using System.Text;

namespace Appliance.Plugins.Dmp.Tests;

/// <summary>
/// Panel frames as a DMP XR/XT panel sends them to a network receiver, written from public descriptions (no real
/// panel is available here, nor a capture of one):
/// <list type="bullet">
/// <item>DMP LT-0872 "Host Communication Specification, SCS-1R Receiver / SCS-VR" (Serial 3 messages: event
/// definitions Za..Zy, fields introduced by a backslash, <c>number"name</c>, the type field <c>t</c>);</item>
/// <item>DMP LT-2747 "Serial 3 System Messages" (system message numbers 000-122);</item>
/// <item>the open-source Home Assistant integration amattas/hass-dmp (custom_components/dmp/__init__.py and its
/// tests): the frame layout a panel sends on its network path - a 7-character header, the account in 5 characters,
/// check-ins <c> s0700240</c>, time requests <c> S71</c>, the event definition after a 7-character qualifier block -
/// and the acknowledgement STX, account, ACK, CR the panel waits for;</item>
/// <item>nationwidedigital.com "DMP Event Codes" (event letters and system messages as central stations map them).</item>
/// </list>
/// </summary>
internal static class SerialThreeFrames
{
    public const string Header = "    1 0";

    /// <summary>Zone 5 (FRONT DOOR) burglary alarm in area 1 (MAIN).</summary>
    public static string Alarm(string account = "12345", int zone = 5) =>
        $"{Header}{account,5}0000000Za\\t \"BU\\z {zone:000}\"FRONT DOOR\\a 01\"MAIN\\";

    /// <summary>Area 2 (WAREHOUSE) armed by user 7 (JOHN).</summary>
    public static string Armed(string account = "12345") => $"{Header}{account,5}0000000Zq\\t SCL\\a 02\"WAREHOUSE\\u 0007\"JOHN\\";

    /// <summary>Area 2 (WAREHOUSE) disarmed by user 7.</summary>
    public static string Disarmed(string account = "12345") => $"{Header}{account,5}0000000Zq\\t SOP\\a 02\"WAREHOUSE\\u 0007\"JOHN\\";

    /// <summary>Zone 9 trouble (a supervisory zone).</summary>
    public static string ZoneTrouble(string account = "12345") => $"{Header}{account,5}0000000Zt\\t \"SV\\z 009\"PULL STATION\\";

    /// <summary>Door of zone 6 opened (device status).</summary>
    public static string DoorOpen(string account = "12345") => $"{Header}{account,5}0000000Zc\\t ADO\\z 006\\";

    /// <summary>System message 008, AC power failure.</summary>
    public static string AcFailure(string account = "12345") => $"{Header}{account,5}0000000Zs\\t 008\\";

    public static string CheckIn(string account = "12345") => $"{Header}{account,5} s0700240";

    /// <summary>A frame as sent on the wire: STX, the text, CR.</summary>
    public static byte[] Wire(string text) => [0x02, .. Encoding.ASCII.GetBytes(text), 0x0D];

    /// <summary>The acknowledgement a receiver sends for an account field.</summary>
    public static byte[] Ack(string account = "12345") => [0x02, .. Encoding.ASCII.GetBytes($"{account,5}"), 0x06, 0x0D];
}
