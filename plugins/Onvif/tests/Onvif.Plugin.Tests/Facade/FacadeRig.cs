using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// The ONVIF plugin with its facade on a free loopback port in a <see cref="PluginContextDouble"/> (camera discovery off):
/// two cameras (one with a derived <c>/sd</c> stream in the hub) and the users admin, operator, viewer.
/// </summary>
public sealed class FacadeRig : IAsyncDisposable
{
    public const string Envelope = """<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2">{0}<s:Body>{1}</s:Body></s:Envelope>""";

    private FacadeRig(PluginContextDouble context, OnvifPlugin plugin)
    {
        Context = context;
        Plugin = plugin;
    }

    public PluginContextDouble Context { get; }
    public OnvifPlugin Plugin { get; }
    public int Port => Plugin.FacadePort!.Value;
    public Uri DeviceService => new($"http://127.0.0.1:{Port}/onvif/device_service");

    public static async Task<FacadeRig> StartAsync(int rtspPort = 8654, string extraConfig = "", PluginContextDouble? context = null, OnvifPlugin? plugin = null)
    {
        context ??= OnvifContext.Create($$"""{"discovery.wsDiscovery": false, "discovery.mdns": false, "events.pullPoint": false, "facade.enabled": true, "facade.rtspPort": {{rtspPort}}{{extraConfig}}}""");
        context.Inventory().Set(
            new CameraInfo("lobby", "Lobby", true, "rtsp://127.0.0.1:8554/lobby", null, null, null, new CameraOverrides()),
            new CameraInfo("yard", "Yard", true, "rtsp://127.0.0.1:8554/yard", null, null, null, new CameraOverrides()),
            new CameraInfo("off", "Switched off", false, "rtsp://127.0.0.1:8554/off", null, null, null, new CameraOverrides()));
        if (context.StreamHub is FakeHub hub)
        {
            hub.Descriptors.Add(new StreamDescriptor("camera/lobby", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [])]));
            hub.Descriptors.Add(new StreamDescriptor("camera/lobby/sd", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [])]));
            hub.Descriptors.Add(new StreamDescriptor("camera/yard", [new MediaTrack(0, MediaCodec.H265, 90000, "H265", [])]));
        }
        plugin ??= new OnvifPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        return new FacadeRig(context, plugin);
    }

    public async ValueTask DisposeAsync()
    {
        await Plugin.StopAsync(CancellationToken.None);
        await Context.DisposeAsync();
    }

    public static string Body(string body, string header = "") => string.Format(System.Globalization.CultureInfo.InvariantCulture, Envelope, header, body);

    /// <summary>POSTs SOAP with .NET's HttpClient, answering Digest challenges when credentials are given.</summary>
    public async Task<(HttpStatusCode Status, XDocument? Xml, HttpResponseMessage Response)> PostAsync(string path, string envelope, string? user = null, string? password = null)
    {
        var handler = new HttpClientHandler { UseProxy = false };
        if (user is not null) handler.Credentials = new CredentialCache { { new Uri($"http://127.0.0.1:{Port}/"), "Digest", new NetworkCredential(user, password) } };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(90) };
        var response = await client.PostAsync(new Uri($"http://127.0.0.1:{Port}{path}"), new StringContent(envelope, Encoding.UTF8, "application/soap+xml"));
        var text = await response.Content.ReadAsStringAsync();
        XDocument? xml = null;
        try { xml = XDocument.Parse(text); } catch (System.Xml.XmlException) { }
        return (response.StatusCode, xml, response);
    }

    /// <summary>Sends raw bytes and reads until the server closes or answers (for requests no HTTP client would send).</summary>
    public async Task<string> RawAsync(byte[] request, bool halfClose = true)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        try { await socket.SendAsync(request); }
        catch (SocketException) { /* the server may close before reading everything */ }
        if (halfClose) socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[65536];
        var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (n == 0) break;
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException) { }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    public static byte[] Http(string body, string path = "/onvif/device_service", string? contentLength = null) =>
        Encoding.UTF8.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/soap+xml\r\nContent-Length: {contentLength ?? Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n{body}");

    /// <summary>The fault subcodes of an answer (ter:… values), empty when it is no fault.</summary>
    public static IReadOnlyList<string> Subcodes(XDocument? xml) =>
        xml?.Descendants(Ns.Soap + "Subcode").Select(s => s.Element(Ns.Soap + "Value")!.Value).ToList() ?? [];

    public async Task AssertStillAnswersAsync()
    {
        var (status, xml, _) = await PostAsync("/onvif/device_service", Body("<tds:GetSystemDateAndTime/>"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(xml!.Descendants(Ns.Tt + "UTCDateTime").SingleOrDefault());
    }
}
