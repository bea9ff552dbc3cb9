using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>Protocol-level endpoints to the contract's <see cref="DiscoveredDevice"/>.</summary>
public static class DeviceMapping
{
    public static DiscoveredDevice ToDevice(DiscoveredEndpoint endpoint) =>
        new(endpoint.Key, endpoint.Source, endpoint.Addresses, endpoint.Types, endpoint.Name, endpoint.Hardware, endpoint.Location,
            new Dictionary<string, string>(endpoint.Attributes.Append(
                new KeyValuePair<string, string>("ipAddresses", string.Join(' ', endpoint.IpAddresses.Select(a => a.ToString()))))),
            endpoint.SeenAt);
}
