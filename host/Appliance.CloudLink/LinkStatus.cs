namespace Appliance.CloudLink;

/// <summary>Where the link stands: connected to a broker (and with which protocol), or why it is not.</summary>
public sealed record LinkStatus(bool Connected, BrokerAddress? Broker, string? Protocol, string? Problem, DateTimeOffset Since);
