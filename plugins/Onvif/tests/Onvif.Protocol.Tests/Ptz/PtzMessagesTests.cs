using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Ptz;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Ptz;

public class PtzMessagesTests
{
    [Fact]
    public void ContinuousMoveCarriesVelocityInGenericSpaceAndTimeout()
    {
        var request = PtzMessages.ContinuousMove("p1", new PtzVelocity(0.5, -0.25, 0), TimeSpan.FromSeconds(2));
        var panTilt = request.Descendants(Ns.Tt + "PanTilt").Single();
        Assert.Equal("0.5", panTilt.Attribute("x")!.Value);
        Assert.Equal("-0.25", panTilt.Attribute("y")!.Value);
        Assert.Equal("0", request.Descendants(Ns.Tt + "Zoom").Single().Attribute("x")!.Value);
        Assert.Equal("PT2S", request.Element(Ns.Tptz + "Timeout")!.Value);
    }

    [Theory]
    [InlineData(1.5, 0, 0)]
    [InlineData(0, double.NaN, 0)]
    [InlineData(0, 0, double.PositiveInfinity)]
    public void VelocitiesOutsideTheGenericSpaceAreRefused(double pan, double tilt, double zoom) =>
        Assert.Contains("outside [-1, 1]", new PtzVelocity(pan, tilt, zoom).Validate().Failure!.Message);

    [Fact]
    public void PresetsFromTheSpecFixture()
    {
        var preset = Fixtures.Fragment("Preset", new Dictionary<string, string> { ["Token"] = "preset_1", ["Name"] = "Entrance" });
        var presets = PtzMessages.ParsePresets(FixtureMessages.Body("GetPresetsResponse", new Dictionary<string, string> { ["Presets"] = preset })).Value;
        Assert.Equal([new PtzPreset("preset_1", "Entrance")], presets);
    }

    [Fact]
    public void SetPresetReturnsTheToken() =>
        Assert.Equal("preset_9", PtzMessages.ParseSetPreset(FixtureMessages.Body("SetPresetResponse")).Value);

    [Fact]
    public void AcknowledgementMustBeTheRightOne()
    {
        Assert.True(PtzMessages.ParseAcknowledgement(FixtureMessages.Body("PtzAcknowledgement"), "StopResponse").Value);
        Assert.Contains("expected ContinuousMoveResponse", PtzMessages.ParseAcknowledgement(FixtureMessages.Body("PtzAcknowledgement"), "ContinuousMoveResponse").Failure!.Message);
    }
}
