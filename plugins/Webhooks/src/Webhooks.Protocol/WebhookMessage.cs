namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>One webhook message: a stable id (the same for every attempt, so receivers can drop duplicates) and a JSON body.</summary>
public sealed record WebhookMessage(string Id, string Body);

/// <summary>A configured receiver.</summary>
public sealed record WebhookTarget(string Name, Uri Url, WebhookSecret Secret, TimeSpan Timeout);
