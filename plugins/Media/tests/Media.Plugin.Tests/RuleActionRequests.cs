using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>Rule actions as the host's rule runner publishes them.</summary>
internal static class RuleActionRequests
{
    public static RuleActionRequested Gpio(string output, string? pulseMs, Guid? trigger = null, string rule = "siren-on-door", int index = 0) =>
        Request("gpio", output, pulseMs is null ? new Dictionary<string, string>() : new() { ["pulseMs"] = pulseMs }, trigger, rule, index, null);

    public static RuleActionRequested Snapshot(string camera, Guid? trigger = null, string? eventCamera = null, string rule = "keep-picture", int index = 0) =>
        Request("snapshot", camera, new Dictionary<string, string>(), trigger, rule, index, eventCamera);

    public static RuleActionRequested Request(string kind, string target, IReadOnlyDictionary<string, string> parameters, Guid? trigger = null,
        string rule = "a-rule", int index = 0, string? eventCamera = null) =>
        new(rule, rule, index, kind, target, parameters, [], trigger ?? Guid.NewGuid(), "DigitalInputChanged", DateTimeOffset.UtcNow,
            eventCamera, "io-board/door", null);
}
