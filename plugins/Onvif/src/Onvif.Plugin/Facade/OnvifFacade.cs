using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Plugin.Facade.Auth;
using Appliance.Plugins.Rtsp.Protocol.Auth;
using Appliance.Plugins.Onvif.Plugin.Facade.Discovery;
using Appliance.Plugins.Onvif.Plugin.Facade.Events;
using Appliance.Plugins.Onvif.Plugin.Facade.Http;
using Appliance.Plugins.Onvif.Plugin.Facade.Services;

namespace Appliance.Plugins.Onvif.Plugin.Facade;

/// <summary>
/// The ONVIF device facade: the appliance answers as one ONVIF device whose channels are its cameras. Wires the listener
/// (declared port <c>facade.port</c>), the device, media, media2 and events services, authentication against the
/// appliance's users, the event bus subscription that feeds pull points, and the WS-Discovery target the discovery loop
/// announces. Everything it acquires goes through the context, so the host releases it when the plugin stops.
/// </summary>
public sealed class OnvifFacade
{
    public const string HealthComponent = "facade";

    private OnvifFacade(IWsDiscoveryTarget target, FacadeListener listener)
    {
        Target = target;
        Listener = listener;
    }

    /// <summary>What the WS-Discovery loop announces and answers for.</summary>
    public IWsDiscoveryTarget Target { get; }

    public FacadeListener Listener { get; }

    public static OnvifFacade Start(IPluginContext context, FacadeSettings settings, Func<IReadOnlyList<NetworkInterface>> interfaces, List<IDisposable> subscriptions)
    {
        var time = context.Time;
        var socket = context.Sockets.ListenTcp(settings.Port, settings.BindAddress, backlog: 64);
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        var pullPoints = new PullPointSubscriptions(time);
        subscriptions.Add(context.Events.Subscribe("facade-events", EventTopics.EventTypes, (envelope, _) =>
        {
            if (EventTopics.From(envelope) is { } notification) pullPoints.Publish(notification);
            return Task.CompletedTask;
        }));

        IReadOnlyList<FacadeProfile> Catalog() => ChannelCatalog.Build(context.Cameras.List(), context.Streams.Streams);
        var endpointReference = FacadeDiscoveryTarget.LoadOrCreateEndpointReference(context.DataDirectory);
        var operations = new DeviceService(settings, endpointReference["urn:uuid:".Length..], time, interfaces).Operations()
            .Concat(new MediaService(Catalog).Operations())
            .Concat(new EventService(pullPoints, time).Operations());
        var digestPasswords = new WsSecurityPasswords(context.Secrets);
        new WsSecurityUserRoutes(digestPasswords, context.Users, context.Logger).Map(context.Routes);
        var authenticator = new FacadeAuthenticator(
            new HttpDigestVerifier(context.Users, new DigestNonces(time, TimeSpan.FromMinutes(5)), context.Logger),
            new UsernameTokenCheck(context.Users, new NonceCache(time, TimeSpan.FromMinutes(5), capacity: 8192), digestPasswords));
        var handler = new FacadeRequestHandler(operations, authenticator, context.Logger);

        string Advertised(IPEndPoint local) => PublicAddress(context) ?? Plain(local.Address).ToString();
        var listener = new FacadeListener(socket, handler, Advertised, settings.RtspPort, context.Logger, time);
        var target = new FacadeDiscoveryTarget(endpointReference, settings,
            () => Addresses(context, settings, interfaces).Select(a => new FacadeEndpoint(a, port, settings.RtspPort).Http(FacadeEndpoint.DevicePath)).ToList(), time);
        context.RunBackground("facade", listener.RunAsync);
        context.Health.Report(HealthComponent, HealthState.Healthy, $"ONVIF device on TCP {port}");
        context.Logger.Info("onvif facade: ONVIF device service on port {Port}, stream URIs on RTSP port {RtspPort}", port, settings.RtspPort);
        return new OnvifFacade(target, listener);
    }

    /// <summary>The configured public address; null when none (or a 1.0 host that has no settings).</summary>
    private static string? PublicAddress(IPluginContext context)
    {
        try { return string.IsNullOrWhiteSpace(context.HostSettings.Current.PublicAddress) ? null : context.HostSettings.Current.PublicAddress; }
        catch (NotSupportedException) { return null; }
    }

    /// <summary>Addresses for WS-Discovery XAddrs: the public address, else the bound one, else every IPv4 address of an interface that is up.</summary>
    private static IReadOnlyList<string> Addresses(IPluginContext context, FacadeSettings settings, Func<IReadOnlyList<NetworkInterface>> interfaces)
    {
        if (PublicAddress(context) is { } configured) return [configured];
        if (settings.BindAddress is { } bound && !bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any)) return [bound.ToString()];
        return interfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(a => a.Address.ToString()).Distinct().ToList();
    }

    private static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
