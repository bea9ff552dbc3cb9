using Appliance.Abstractions;
using System.Xml;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Events;

/// <summary>A pull-point subscription: where to pull, the reference parameters to echo, and when it ends.</summary>
public sealed record SubscriptionReference(Uri Address, IReadOnlyList<XElement> ReferenceParameters, DateTimeOffset? CurrentTime, DateTimeOffset? TerminationTime);

/// <summary>What one PullMessages call returned; notifications that could not be read are listed in <see cref="Problems"/>.</summary>
public sealed record PullMessagesResult(DateTimeOffset? CurrentTime, DateTimeOffset? TerminationTime, IReadOnlyList<NotificationMessage> Messages, IReadOnlyList<Failure> Problems);

/// <summary>
/// Event service, real-time pull-point interface (ONVIF Core Specification, section "Event handling" /
/// "Real-time Pull-Point Notification Interface"; WS-BaseNotification for Renew and Unsubscribe).
/// </summary>
public static class EventMessages
{
    public const string PullMessagesAction = "http://www.onvif.org/ver10/events/wsdl/PullPointSubscription/PullMessagesRequest";
    public const string CreatePullPointSubscriptionAction = "http://www.onvif.org/ver10/events/wsdl/EventPortType/CreatePullPointSubscriptionRequest";
    public const string RenewAction = "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest";
    public const string UnsubscribeAction = "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest";

    /// <summary>Upper bound of notifications read from one response, so a hostile camera cannot make us hold an unbounded list.</summary>
    public const int MaxMessagesPerResponse = 1024;

    public static XElement CreatePullPointSubscription(TimeSpan initialTermination) =>
        new(Ns.Tev + "CreatePullPointSubscription",
            new XElement(Ns.Tev + "InitialTerminationTime", XmlConvert.ToString(initialTermination)));

    public static XElement PullMessages(TimeSpan timeout, int messageLimit) =>
        new(Ns.Tev + "PullMessages",
            new XElement(Ns.Tev + "Timeout", XmlConvert.ToString(timeout)),
            new XElement(Ns.Tev + "MessageLimit", messageLimit));

    public static XElement Renew(TimeSpan termination) =>
        new(Ns.Wsnt + "Renew", new XElement(Ns.Wsnt + "TerminationTime", XmlConvert.ToString(termination)));

    public static XElement Unsubscribe() => new(Ns.Wsnt + "Unsubscribe");

    /// <summary>WS-Addressing headers for a call to a subscription: Action, To, and the reference parameters echoed back.</summary>
    public static IEnumerable<XElement> AddressingHeaders(string action, SubscriptionReference subscription)
    {
        yield return new XElement(Ns.Wsa + "Action", Ns.Declarations(("wsa", Ns.Wsa)), action);
        yield return new XElement(Ns.Wsa + "To", Ns.Declarations(("wsa", Ns.Wsa)), subscription.Address.AbsoluteUri);
        foreach (var parameter in subscription.ReferenceParameters)
        {
            var copy = new XElement(parameter);
            copy.SetAttributeValue(Ns.Wsa + "IsReferenceParameter", "true");
            yield return copy;
        }
    }

    public static Result<SubscriptionReference> ParseCreatePullPointSubscription(XElement response)
    {
        if (response.Name != Ns.Tev + "CreatePullPointSubscriptionResponse")
            return DeviceMessages.Unexpected<SubscriptionReference>(response, "CreatePullPointSubscriptionResponse");
        var reference = response.Element(Ns.Tev + "SubscriptionReference");
        var address = DeviceMessages.ParseHttpUri(reference?.ElementAnyNs("Address")?.Value);
        if (address is null)
            return Result<SubscriptionReference>.Fail(ErrorKind.UnexpectedMessage,
                "CreatePullPointSubscriptionResponse has no SubscriptionReference/Address with an http(s) URI");
        var parameters = reference!.ElementAnyNs("ReferenceParameters")?.Elements().Take(16).ToList() ?? [];
        return new SubscriptionReference(address, parameters,
            Time(response.Element(Ns.Wsnt + "CurrentTime")), Time(response.Element(Ns.Wsnt + "TerminationTime")));
    }

    public static Result<PullMessagesResult> ParsePullMessages(XElement response)
    {
        if (response.Name != Ns.Tev + "PullMessagesResponse")
            return DeviceMessages.Unexpected<PullMessagesResult>(response, "PullMessagesResponse");
        var messages = new List<NotificationMessage>();
        var problems = new List<Failure>();
        foreach (var element in response.Elements(Ns.Wsnt + "NotificationMessage"))
        {
            if (messages.Count + problems.Count >= MaxMessagesPerResponse)
            {
                problems.Add(new Failure(ErrorKind.TooLarge, $"more than {MaxMessagesPerResponse} notifications in one response; the rest ignored"));
                break;
            }
            var parsed = NotificationMessage.Parse(element);
            if (parsed.TryGetValue(out var message, out var error)) messages.Add(message);
            else problems.Add(error);
        }
        return new PullMessagesResult(Time(response.Element(Ns.Tev + "CurrentTime")), Time(response.Element(Ns.Tev + "TerminationTime")), messages, problems);
    }

    /// <summary>RenewResponse: the new termination time (may be absent).</summary>
    public static Result<DateTimeOffset?> ParseRenew(XElement response)
    {
        if (response.Name != Ns.Wsnt + "RenewResponse")
            return DeviceMessages.Unexpected<DateTimeOffset?>(response, "RenewResponse");
        return Result<DateTimeOffset?>.Ok(Time(response.Element(Ns.Wsnt + "TerminationTime")));
    }

    public static Result<bool> ParseUnsubscribe(XElement response) =>
        response.Name == Ns.Wsnt + "UnsubscribeResponse" ? true : DeviceMessages.Unexpected<bool>(response, "UnsubscribeResponse");

    internal static DateTimeOffset? Time(XElement? element)
    {
        var text = element?.Value.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        try { return XmlConvert.ToDateTimeOffset(text); }
        catch (FormatException) { return null; }
    }
}
