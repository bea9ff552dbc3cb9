using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Facade.Events;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Services;

/// <summary>
/// Events (ver10/events/wsdl) for operators: GetEventProperties, CreatePullPointSubscription, and on the subscription's
/// own address (<c>/onvif/pullpoint/{id}</c>) PullMessages, Renew, Unsubscribe, SetSynchronizationPoint.
/// </summary>
public sealed class EventService(PullPointSubscriptions subscriptions, TimeProvider time)
{
    /// <summary>A single PullMessages waits at most this long, whatever the client asks.</summary>
    public static readonly TimeSpan MaxPullTimeout = TimeSpan.FromSeconds(60);

    public IEnumerable<Operation> Operations() =>
    [
        Operation.Sync(Ns.Tev + "GetEventProperties", UserRole.Operator, _ => Properties()),
        Operation.Sync(Ns.Tev + "CreatePullPointSubscription", UserRole.Operator, Create),
        new Operation(Ns.Tev + "PullMessages", UserRole.Operator, PullAsync),
        Operation.Sync(Ns.Wsnt + "Renew", UserRole.Operator, Renew),
        Operation.Sync(Ns.Wsnt + "Unsubscribe", UserRole.Operator, c => SubscriptionId(c).Bind(id => subscriptions.Remove(id)
            ? Result<XElement>.Ok(new XElement(Ns.Wsnt + "UnsubscribeResponse"))
            : new Failure("InvalidArgVal/NoSubscription", "no such pull-point subscription"))),
        Operation.Sync(Ns.Tev + "SetSynchronizationPoint", UserRole.Operator, _ => new XElement(Ns.Tev + "SetSynchronizationPointResponse")),
    ];

    private static XElement Properties() =>
        new(Ns.Tev + "GetEventPropertiesResponse",
            new XElement(Ns.Tev + "TopicNamespaceLocation", "http://www.onvif.org/onvif/ver10/topics/topicns.xml"),
            new XElement(Ns.Wsnt + "FixedTopicSet", "true"),
            EventTopics.TopicSet(),
            new XElement(Ns.Wsnt + "TopicExpressionDialect", EventTopics.ConcreteSetDialect),
            new XElement(Ns.Wsnt + "TopicExpressionDialect", "http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete"),
            new XElement(Ns.Tev + "MessageContentFilterDialect", "http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter"),
            new XElement(Ns.Tev + "MessageContentSchemaLocation", "http://www.onvif.org/onvif/ver10/schema/onvif.xsd"));

    private Result<XElement> Create(OperationContext context)
    {
        var now = time.GetUtcNow();
        return FacadeSoap.Termination(context.Body.ChildText(Ns.Tev + "InitialTerminationTime"), now)
            .Bind(subscriptions.Create)
            .Map(s => new XElement(Ns.Tev + "CreatePullPointSubscriptionResponse",
                new XElement(Ns.Tev + "SubscriptionReference", new XElement(Ns.Wsa + "Address", context.Endpoint.Http(FacadeEndpoint.PullPointPrefix + s.Id))),
                new XElement(Ns.Wsnt + "CurrentTime", FacadeSoap.DateTime(now)),
                new XElement(Ns.Wsnt + "TerminationTime", FacadeSoap.DateTime(s.Terminates))));
    }

    private async Task<Result<XElement>> PullAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var id = SubscriptionId(context);
        if (!id.IsOk) return id.Failure!;
        TimeSpan timeout;
        try { timeout = XmlConvert.ToTimeSpan(context.Body.ChildText(Ns.Tev + "Timeout") ?? "PT10S"); }
        catch (FormatException) { return new Failure("InvalidArgVal", "PullMessages Timeout is not an xs:duration"); }
        catch (OverflowException) { return new Failure("InvalidArgVal", "PullMessages Timeout is out of range"); }
        if (!int.TryParse(context.Body.ChildText(Ns.Tev + "MessageLimit") ?? "10", NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
            return new Failure("InvalidArgVal", "PullMessages MessageLimit must be a positive integer");
        timeout = timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout > MaxPullTimeout ? MaxPullTimeout : timeout;
        var pulled = await subscriptions.PullAsync(id.Value, timeout, Math.Min(limit, 1000), cancellationToken).ConfigureAwait(false);
        return pulled.Map(p => new XElement(Ns.Tev + "PullMessagesResponse",
            new XElement(Ns.Tev + "CurrentTime", FacadeSoap.DateTime(time.GetUtcNow())),
            new XElement(Ns.Tev + "TerminationTime", FacadeSoap.DateTime(p.Subscription.Terminates)),
            p.Messages.Select(EventTopics.ToXml)));
    }

    private Result<XElement> Renew(OperationContext context)
    {
        var now = time.GetUtcNow();
        return SubscriptionId(context)
            .Bind(id => FacadeSoap.Termination(context.Body.ChildText(Ns.Wsnt + "TerminationTime"), now).Bind(t => subscriptions.Renew(id, t)))
            .Map(s => new XElement(Ns.Wsnt + "RenewResponse",
                new XElement(Ns.Wsnt + "TerminationTime", FacadeSoap.DateTime(s.Terminates)),
                new XElement(Ns.Wsnt + "CurrentTime", FacadeSoap.DateTime(now))));
    }

    /// <summary>The subscription a pull-point operation addresses: the last path segment of <c>/onvif/pullpoint/{id}</c>.</summary>
    private static Result<string> SubscriptionId(OperationContext context) =>
        context.Path.StartsWith(FacadeEndpoint.PullPointPrefix, StringComparison.Ordinal) && context.Path.Length > FacadeEndpoint.PullPointPrefix.Length
            ? context.Path[FacadeEndpoint.PullPointPrefix.Length..]
            : new Failure("InvalidArgVal/NoSubscription", "pull-point operations are answered at the subscription's address only");
}
