using Appliance.Plugins.Onvif.Protocol.Events;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Events;

public class EventClassifierTests
{
    private static ClassifiedEvent Classify(string topic, (string, string)[] source, (string, string)[] data) =>
        EventClassifier.Classify(new NotificationMessage(topic, null, "Changed",
            source.Select(s => new SimpleItem(s.Item1, s.Item2)).ToList(), [], data.Select(d => new SimpleItem(d.Item1, d.Item2)).ToList()));

    [Theory]
    [InlineData("tns1:VideoSource/MotionAlarm", "State", "true", CameraEventKind.Motion, true)]
    [InlineData("tns1:RuleEngine/CellMotionDetector/Motion", "IsMotion", "false", CameraEventKind.Motion, false)]
    [InlineData("tns1:RuleEngine/MotionRegionDetector/Motion", "State", "1", CameraEventKind.Motion, true)]
    [InlineData("tns1:VideoSource/GlobalSceneChange/ImagingService", "State", "true", CameraEventKind.Tamper, true)]
    [InlineData("tns1:VideoSource/ImageTooDark/AnalyticsService", "State", "false", CameraEventKind.Tamper, false)]
    [InlineData("tns1:VideoSource/ImageTooBlurry/ImagingService", "State", "true", CameraEventKind.Tamper, true)]
    [InlineData("tns1:RuleEngine/TamperDetector/Tamper", "IsTamper", "true", CameraEventKind.Tamper, true)]
    [InlineData("tns1:Device/Trigger/DigitalInput", "LogicalState", "true", CameraEventKind.DigitalInput, true)]
    public void KnownTopicsAreClassified(string topic, string item, string value, CameraEventKind kind, bool active)
    {
        var e = Classify(topic, [("InputToken", "DI_1")], [(item, value)]);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(active, e.Active);
    }

    [Fact]
    public void DigitalInputSourceIsTheInputToken() =>
        Assert.Equal("DI_2", Classify("tns1:Device/Trigger/DigitalInput", [("InputToken", "DI_2")], [("LogicalState", "true")]).Source);

    [Fact]
    public void UnknownTopicsPassThroughWithAllItems()
    {
        var e = Classify("tns1:Monitoring/ProcessorUsage", [("Token", "cpu")], [("Value", "37.5")]);
        Assert.Equal(CameraEventKind.Other, e.Kind);
        Assert.Equal("37.5", e.Items["Value"]);
        Assert.Equal("cpu", e.Items["Token"]);
        Assert.Null(e.Active);
    }

    [Fact]
    public void MotionWithoutAReadableStateHasNoActiveValue() =>
        Assert.Null(Classify("tns1:VideoSource/MotionAlarm", [], [("State", "maybe")]).Active);
}
