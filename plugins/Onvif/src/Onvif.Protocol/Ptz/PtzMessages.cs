using Appliance.Abstractions;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Ptz;

/// <summary>A PTZ velocity in the generic (normalised) spaces: pan, tilt and zoom each in [-1, 1].</summary>
public readonly record struct PtzVelocity(double Pan, double Tilt, double Zoom)
{
    public Result<PtzVelocity> Validate()
    {
        foreach (var (name, value) in new[] { ("pan", Pan), ("tilt", Tilt), ("zoom", Zoom) })
            if (!double.IsFinite(value) || value < -1 || value > 1)
                return Result<PtzVelocity>.Fail(ErrorKind.UnexpectedMessage, $"{name} velocity {value} is outside [-1, 1]");
        return this;
    }
}

/// <summary>A stored PTZ position.</summary>
public sealed record PtzPreset(string Token, string Name);

/// <summary>PTZ service (ONVIF PTZ Service Specification; WSDL http://www.onvif.org/ver20/ptz/wsdl).</summary>
public static class PtzMessages
{
    public static XElement ContinuousMove(string profileToken, PtzVelocity velocity, TimeSpan? timeout) =>
        new(Ns.Tptz + "ContinuousMove",
            new XElement(Ns.Tptz + "ProfileToken", profileToken),
            new XElement(Ns.Tptz + "Velocity",
                new XElement(Ns.Tt + "PanTilt", new XAttribute("x", Number(velocity.Pan)), new XAttribute("y", Number(velocity.Tilt))),
                new XElement(Ns.Tt + "Zoom", new XAttribute("x", Number(velocity.Zoom)))),
            timeout is null ? null : new XElement(Ns.Tptz + "Timeout", XmlConvert.ToString(timeout.Value)));

    public static XElement Stop(string profileToken, bool panTilt = true, bool zoom = true) =>
        new(Ns.Tptz + "Stop",
            new XElement(Ns.Tptz + "ProfileToken", profileToken),
            new XElement(Ns.Tptz + "PanTilt", panTilt ? "true" : "false"),
            new XElement(Ns.Tptz + "Zoom", zoom ? "true" : "false"));

    public static XElement GetPresets(string profileToken) =>
        new(Ns.Tptz + "GetPresets", new XElement(Ns.Tptz + "ProfileToken", profileToken));

    public static XElement GotoPreset(string profileToken, string presetToken) =>
        new(Ns.Tptz + "GotoPreset",
            new XElement(Ns.Tptz + "ProfileToken", profileToken),
            new XElement(Ns.Tptz + "PresetToken", presetToken));

    public static XElement SetPreset(string profileToken, string presetName, string? presetToken = null) =>
        new(Ns.Tptz + "SetPreset",
            new XElement(Ns.Tptz + "ProfileToken", profileToken),
            new XElement(Ns.Tptz + "PresetName", presetName),
            presetToken is null ? null : new XElement(Ns.Tptz + "PresetToken", presetToken));

    public static Result<IReadOnlyList<PtzPreset>> ParsePresets(XElement response)
    {
        if (response.Name != Ns.Tptz + "GetPresetsResponse")
            return DeviceMessages.Unexpected<IReadOnlyList<PtzPreset>>(response, "GetPresetsResponse");
        var presets = response.Elements(Ns.Tptz + "Preset")
            .Select(p => (Token: p.Attribute("token")?.Value, Name: p.ChildText(Ns.Tt + "Name")))
            .Where(p => !string.IsNullOrWhiteSpace(p.Token))
            .Select(p => new PtzPreset(p.Token!, p.Name ?? p.Token!))
            .ToList();
        return presets;
    }

    public static Result<string> ParseSetPreset(XElement response)
    {
        if (response.Name != Ns.Tptz + "SetPresetResponse")
            return DeviceMessages.Unexpected<string>(response, "SetPresetResponse");
        var token = response.ChildText(Ns.Tptz + "PresetToken");
        return string.IsNullOrEmpty(token)
            ? Result<string>.Fail(ErrorKind.UnexpectedMessage, "SetPresetResponse carries no PresetToken")
            : token;
    }

    /// <summary>Checks an empty acknowledgement such as ContinuousMoveResponse, StopResponse, GotoPresetResponse.</summary>
    public static Result<bool> ParseAcknowledgement(XElement response, string expected) =>
        response.Name == Ns.Tptz + expected ? true : DeviceMessages.Unexpected<bool>(response, expected);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
