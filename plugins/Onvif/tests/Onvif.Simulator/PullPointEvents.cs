using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>The simulator's event service: pull-point subscriptions, each with its own queue of notification messages.</summary>
internal sealed class PullPointEvents(Func<DateTimeOffset> cameraNow, int floodPerPull = 0)
{
    private int _pulls;

    /// <summary>PullMessages requests served.</summary>
    public int Pulls => Volatile.Read(ref _pulls);

    private readonly ConcurrentDictionary<int, Subscription> _subscriptions = new();
    private int _nextId;

    private sealed class Subscription
    {
        public Channel<string> Messages { get; } = Channel.CreateUnbounded<string>();
        public DateTimeOffset Termination { get; set; }
    }

    public int Count => _subscriptions.Count;

    public void Raise(string topic, IReadOnlyDictionary<string, string> source, IReadOnlyDictionary<string, string> data, string operation)
    {
        static string Items(IReadOnlyDictionary<string, string> items) =>
            string.Concat(items.Select(i => $"<tt:SimpleItem Name=\"{System.Security.SecurityElement.Escape(i.Key)}\" Value=\"{System.Security.SecurityElement.Escape(i.Value)}\"/>"));
        var fragment = Fixtures.Fill("NotificationMessage",
            new Dictionary<string, string> { ["Topic"] = topic, ["Now"] = Time(cameraNow()), ["Operation"] = operation },
            new Dictionary<string, string> { ["Source"] = Items(source), ["Data"] = Items(data) });
        foreach (var s in _subscriptions.Values) s.Messages.Writer.TryWrite(fragment);
    }

    public async Task<string?> HandleAsync(PathString path, XElement body, string operation, Dictionary<string, string> values, CancellationToken aborted)
    {
        if (operation == "CreatePullPointSubscription")
        {
            var id = Interlocked.Increment(ref _nextId);
            var subscription = new Subscription { Termination = cameraNow() + Duration(OnvifCameraSimulator.Text(body, "InitialTerminationTime"), TimeSpan.FromSeconds(60)) };
            _subscriptions[id] = subscription;
            return Fixtures.Fill("CreatePullPointSubscriptionResponse", new Dictionary<string, string>(values)
            { ["Id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Now"] = Time(cameraNow()), ["Termination"] = Time(subscription.Termination) });
        }
        var segments = path.Value?.Split('/') ?? [];
        if (segments.Length < 4 || segments[^2] != "subscription" || !int.TryParse(segments[^1], out var subscriptionId) ||
            !_subscriptions.TryGetValue(subscriptionId, out var current))
            return null;
        switch (operation)
        {
            case "PullMessages":
                Interlocked.Increment(ref _pulls);
                if (floodPerPull > 0) return Flood(current);
                var timeout = Duration(OnvifCameraSimulator.Text(body, "Timeout"), TimeSpan.FromSeconds(5));
                if (timeout > TimeSpan.FromSeconds(10)) timeout = TimeSpan.FromSeconds(10);
                var limit = int.TryParse(OnvifCameraSimulator.Text(body, "MessageLimit"), out var l) ? Math.Clamp(l, 1, 1000) : 100;
                var messages = new List<string>();
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted))
                {
                    wait.CancelAfter(timeout);
                    try { messages.Add(await current.Messages.Reader.ReadAsync(wait.Token)); }
                    catch (OperationCanceledException) { }
                }
                while (messages.Count < limit && current.Messages.Reader.TryRead(out var more)) messages.Add(more);
                return Fixtures.Fill("PullMessagesResponse", new Dictionary<string, string> { ["Now"] = Time(cameraNow()), ["Termination"] = Time(current.Termination) },
                    new Dictionary<string, string> { ["Messages"] = string.Concat(messages) });
            case "Renew":
                current.Termination = cameraNow() + Duration(OnvifCameraSimulator.Text(body, "TerminationTime"), TimeSpan.FromSeconds(60));
                return Fixtures.Fill("RenewResponse", new Dictionary<string, string> { ["Now"] = Time(cameraNow()), ["Termination"] = Time(current.Termination) });
            case "Unsubscribe":
                _subscriptions.TryRemove(subscriptionId, out _);
                return Fixtures.Fill("UnsubscribeResponse", new Dictionary<string, string>());
            default:
                return null;
        }
    }

    private string Flood(Subscription current)
    {
        var one = Fixtures.Fill("NotificationMessage",
            new Dictionary<string, string> { ["Topic"] = "tns1:RuleEngine/CellMotionDetector/Motion", ["Now"] = Time(cameraNow()), ["Operation"] = "Changed" },
            new Dictionary<string, string> { ["Source"] = "<tt:SimpleItem Name=\"Rule\" Value=\"Flood\"/>", ["Data"] = "<tt:SimpleItem Name=\"IsMotion\" Value=\"true\"/>" });
        return Fixtures.Fill("PullMessagesResponse", new Dictionary<string, string> { ["Now"] = Time(cameraNow()), ["Termination"] = Time(current.Termination) },
            new Dictionary<string, string> { ["Messages"] = string.Concat(Enumerable.Repeat(one, floodPerPull)) });
    }

    private static TimeSpan Duration(string? text, TimeSpan fallback)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        try { return XmlConvert.ToTimeSpan(text); }
        catch (FormatException) { return fallback; }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
