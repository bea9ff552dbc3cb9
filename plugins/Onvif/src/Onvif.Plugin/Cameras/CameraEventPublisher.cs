using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Protocol.Events;

namespace Appliance.Plugins.Onvif.Plugin.Cameras;

/// <summary>ONVIF notifications to the appliance's typed events.</summary>
public static class CameraEventPublisher
{
    public static Task PublishAsync(IEventBus events, string cameraId, NotificationMessage message, CancellationToken cancellationToken)
    {
        var classified = EventClassifier.Classify(message);
        return classified.Kind switch
        {
            CameraEventKind.Motion when classified.Active is { } active =>
                events.PublishAsync(new MotionDetected(cameraId, Describe(classified), active), cancellationToken),
            CameraEventKind.Tamper when classified.Active is { } active =>
                events.PublishAsync(new TamperDetected(cameraId, Describe(classified), active), cancellationToken),
            CameraEventKind.DigitalInput when classified.Active is { } active =>
                events.PublishAsync(new DigitalInputChanged(cameraId, classified.Source.Length == 0 ? "input" : classified.Source, active), cancellationToken),
            _ => events.PublishAsync(new CameraEventReceived(cameraId, classified.Topic, classified.Items), cancellationToken),
        };
    }

    /// <summary>Topic plus the source items (video source, rule), e.g. <c>tns1:RuleEngine/CellMotionDetector/Motion [VideoSourceConfigurationToken=vs1,Rule=MyMotion]</c>.</summary>
    private static string Describe(ClassifiedEvent e) => e.Source.Length == 0 ? e.Topic : $"{e.Topic} [{e.Source}]";
}
