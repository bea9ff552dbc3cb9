using System.Net;
using System.Net.Sockets;
using System.Xml;
using System.Xml.Linq;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>
/// The simulated camera's WS-Discovery side on a real UDP socket (bound to 3702 and joined to 239.255.255.250, or to ff02::c
/// for an IPv6 socket, by the caller; <c>group</c> is where Hello / Bye go, by default 239.255.255.250:3702): answers Probes for dn:NetworkVideoTransmitter / tds:Device or untyped Probes with the ProbeMatches fixture, unicast to the
/// prober, and sends Hello / Bye to the multicast group on request.
/// </summary>
public sealed class WsDiscoveryResponder : IAsyncDisposable
{
    private static readonly XNamespace Soap = "http://www.w3.org/2003/05/soap-envelope";
    private static readonly XNamespace Wsa = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    private static readonly XNamespace Discovery = "http://schemas.xmlsoap.org/ws/2005/04/discovery";
    private static readonly IPEndPoint DefaultGroup = new(IPAddress.Parse("239.255.255.250"), 3702);

    private readonly Socket _socket;
    private readonly SimulatorOptions _options;
    private readonly Func<string> _xaddrs;
    private readonly IPEndPoint _group;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _messageNumber;
    private int _probesAnswered;
    private int _resolvesAnswered;
    private int _probesIgnored;

    public WsDiscoveryResponder(Socket socket, SimulatorOptions options, Func<string> xaddrs, IPEndPoint? group = null)
    {
        _group = group ?? DefaultGroup;
        _socket = socket;
        _options = options;
        _xaddrs = xaddrs;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public int ProbesAnswered => Volatile.Read(ref _probesAnswered);

    /// <summary>Resolves for this camera's endpoint reference answered with ResolveMatches.</summary>
    public int ResolvesAnswered => Volatile.Read(ref _resolvesAnswered);

    /// <summary>Probes for types this camera is not (e.g. a printer probe): seen and not answered.</summary>
    public int ProbesIgnored => Volatile.Read(ref _probesIgnored);

    public string Scopes =>
        string.Join(' ',
            "onvif://www.onvif.org/type/video_encoder",
            "onvif://www.onvif.org/Profile/Streaming",
            "onvif://www.onvif.org/name/" + Uri.EscapeDataString(_options.Name),
            "onvif://www.onvif.org/hardware/" + Uri.EscapeDataString(_options.Hardware),
            "onvif://www.onvif.org/location/" + Uri.EscapeDataString(_options.Location));

    public Task SendHelloAsync() => SendAsync(Fixtures.Fill("Hello", Values(null)), _group);

    public Task SendByeAsync() => SendAsync(Fixtures.Fill("Bye", Values(null)), _group);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0), cancellationToken);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            var datagram = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            if (ReadResolve(datagram) is { } resolve)
            {
                if (resolve.Reference != _options.EndpointReference) continue;
                Interlocked.Increment(ref _resolvesAnswered);
                await SendAsync(Fixtures.Fill("ResolveMatches", Values(resolve.MessageId, withXAddrs: true)), (IPEndPoint)received.RemoteEndPoint);
                continue;
            }
            var probe = ReadProbe(datagram);
            if (probe is null) continue;
            if (!probe.Value.Matches) { Interlocked.Increment(ref _probesIgnored); continue; }
            Interlocked.Increment(ref _probesAnswered);
            await SendAsync(Fixtures.Fill("ProbeMatches", Values(probe.Value.MessageId)), (IPEndPoint)received.RemoteEndPoint);
        }
    }

    /// <summary>A Resolve's MessageID and endpoint reference; null for anything else.</summary>
    private static (string MessageId, string Reference)? ReadResolve(byte[] datagram)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(datagram), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var envelope = XDocument.Load(reader).Root!;
            var resolve = envelope.Element(Soap + "Body")?.Element(Discovery + "Resolve");
            var reference = resolve?.Element(Wsa + "EndpointReference")?.Element(Wsa + "Address")?.Value.Trim();
            if (reference is null) return null;
            return (envelope.Element(Soap + "Header")?.Element(Wsa + "MessageID")?.Value.Trim() ?? "", reference);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>A Probe's MessageID and whether it asks for what this camera is; null for anything else.</summary>
    private static (string MessageId, bool Matches)? ReadProbe(byte[] datagram)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(datagram), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var envelope = XDocument.Load(reader).Root!;
            var probe = envelope.Element(Soap + "Body")?.Element(Discovery + "Probe");
            if (probe is null) return null;
            var id = envelope.Element(Soap + "Header")?.Element(Wsa + "MessageID")?.Value.Trim() ?? "";
            var types = probe.Element(Discovery + "Types");
            if (types is null || string.IsNullOrWhiteSpace(types.Value)) return (id, true);
            var matches = types.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Any(t =>
            {
                var colon = t.IndexOf(':');
                var ns = colon > 0 ? types.GetNamespaceOfPrefix(t[..colon])?.NamespaceName : null;
                var local = colon >= 0 ? t[(colon + 1)..] : t;
                return (ns == "http://www.onvif.org/ver10/network/wsdl" && local == "NetworkVideoTransmitter") ||
                       (ns == "http://www.onvif.org/ver10/device/wsdl" && local == "Device");
            });
            return (id, matches);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private Dictionary<string, string> Values(string? relatesTo, bool withXAddrs = false) => new()
    {
        ["MessageId"] = Guid.NewGuid().ToString("D"),
        ["RelatesTo"] = relatesTo ?? "",
        ["MessageNumber"] = Interlocked.Increment(ref _messageNumber).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["EndpointReference"] = _options.EndpointReference,
        ["Scopes"] = Scopes,
        ["XAddrs"] = _options.XAddrsOnlyOnResolve && !withXAddrs ? "" : _xaddrs(),
        ["MetadataVersion"] = "1",
    };

    private Task SendAsync(string xml, IPEndPoint to) =>
        _socket.SendToAsync(System.Text.Encoding.UTF8.GetBytes(xml), SocketFlags.None, to);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try { await _loop; }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
