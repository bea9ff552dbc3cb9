using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Events;

namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>Pull-point event operations (ONVIF Core, "Real-time Pull-Point Notification Interface").</summary>
public sealed partial class OnvifClient
{
    public Task<Result<SubscriptionReference>> CreatePullPointSubscriptionAsync(Uri events, TimeSpan initialTermination, CancellationToken cancellationToken = default) =>
        CallAsync(events, EventMessages.CreatePullPointSubscription(initialTermination), m => EventMessages.ParseCreatePullPointSubscription(m.Body),
            EventMessages.CreatePullPointSubscriptionAction, null, null, cancellationToken);

    /// <summary>Long-polls the subscription for up to <paramref name="timeout"/> (the HTTP timeout is extended accordingly).</summary>
    public Task<Result<PullMessagesResult>> PullMessagesAsync(SubscriptionReference subscription, TimeSpan timeout, int messageLimit, CancellationToken cancellationToken = default) =>
        CallAsync(subscription.Address, EventMessages.PullMessages(timeout, messageLimit), m => EventMessages.ParsePullMessages(m.Body),
            EventMessages.PullMessagesAction, EventMessages.AddressingHeaders(EventMessages.PullMessagesAction, subscription), timeout, cancellationToken);

    public Task<Result<DateTimeOffset?>> RenewAsync(SubscriptionReference subscription, TimeSpan termination, CancellationToken cancellationToken = default) =>
        CallAsync(subscription.Address, EventMessages.Renew(termination), m => EventMessages.ParseRenew(m.Body),
            EventMessages.RenewAction, EventMessages.AddressingHeaders(EventMessages.RenewAction, subscription), null, cancellationToken);

    public Task<Result<bool>> UnsubscribeAsync(SubscriptionReference subscription, CancellationToken cancellationToken = default) =>
        CallAsync(subscription.Address, EventMessages.Unsubscribe(), m => EventMessages.ParseUnsubscribe(m.Body),
            EventMessages.UnsubscribeAction, EventMessages.AddressingHeaders(EventMessages.UnsubscribeAction, subscription), null, cancellationToken);
}
