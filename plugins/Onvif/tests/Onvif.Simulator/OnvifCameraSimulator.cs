using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>
/// A simulated ONVIF camera served over real HTTP (Kestrel): device, media, media2, PTZ and event services answer with
/// the spec-derived fixtures; authentication is checked (WS-Security digest, or HTTP Digest when demanded); every call
/// is recorded so tests can assert what a client did.
/// </summary>
public sealed class OnvifCameraSimulator : IAsyncDisposable
{
    private static readonly XNamespace Soap = "http://www.w3.org/2003/05/soap-envelope";
    private static readonly HashSet<string> PreAuth = ["GetSystemDateAndTime", "GetServices", "GetCapabilities", "GetWsdlUrl", "GetServiceCapabilities", "GetHostname", "GetEndpointReference"];

    private readonly WebApplication _app;
    private readonly SimulatorOptions _options;
    private readonly SoapAuthentication _auth;
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly PullPointEvents _events;
    private readonly Lock _presetLock = new();
    private readonly List<(string Token, string Name)> _presets = [("preset_1", "Entrance"), ("preset_2", "Parking")];
    private int _authFailures;

    private OnvifCameraSimulator(WebApplication app, SimulatorOptions options, Uri baseUri)
    {
        _app = app;
        _options = options;
        BaseUri = baseUri;
        _auth = new SoapAuthentication(options, CameraNow);
        _events = new PullPointEvents(CameraNow, options.EventFloodPerPull);
    }

    public Uri BaseUri { get; }

    public Uri DeviceServiceUri => new(BaseUri, "/onvif/device_service");

    public SimulatorOptions Options => _options;

    /// <summary>Every call as "Service/Operation [details]", in order.</summary>
    public IReadOnlyList<string> Calls => _calls.ToArray();

    public int AuthenticationFailures => Volatile.Read(ref _authFailures);

    public int ActiveSubscriptions => _events.Count;

    /// <summary>PullMessages requests served so far.</summary>
    public int Pulls => _events.Pulls;

    public DateTimeOffset CameraNow() => DateTimeOffset.UtcNow + _options.ClockOffset;

    public static async Task<OnvifCameraSimulator> StartAsync(SimulatorOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = options.Port;
        if (options.ListenSocket is null && port == 0)
        {
            using var probe = new System.Net.Sockets.TcpListener(options.ListenAddress, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (options.ListenSocket is { } socket) k.ListenHandle((ulong)socket.Handle.ToInt64());
            else if (options.Certificate is { } certificate) k.Listen(options.ListenAddress, port, o => o.UseHttps(certificate));
            else k.Listen(options.ListenAddress, port);
        });
        var app = builder.Build();
        var endpoint = options.ListenSocket?.LocalEndPoint as IPEndPoint ?? new IPEndPoint(options.ListenAddress, port);
        var host = endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        var simulator = new OnvifCameraSimulator(app, options, new Uri($"{(options.Certificate is null ? "http" : "https")}://{host}:{endpoint.Port}"));
        app.Run(simulator.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return simulator;
    }

    /// <summary>Queues a notification for every open pull-point subscription.</summary>
    public void RaiseEvent(string topic, IReadOnlyDictionary<string, string> source, IReadOnlyDictionary<string, string> data, string operation = "Changed") =>
        _events.Raise(topic, source, data, operation);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Method == "GET" && http.Request.Path.StartsWithSegments("/snapshot"))
        {
            http.Response.ContentType = "image/jpeg";
            await http.Response.Body.WriteAsync(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 });
            return;
        }
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        XElement envelope;
        try
        {
            buffer.Position = 0;
            using var reader = XmlReader.Create(buffer, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            envelope = XDocument.Load(reader).Root!;
        }
        catch (XmlException ex)
        {
            await FaultAsync(http, 400, "Sender", "WellFormed", $"request is not well-formed XML: {ex.Message}");
            return;
        }
        var body = envelope.Element(Soap + "Body")?.Elements().FirstOrDefault();
        if (envelope.Name != Soap + "Envelope" || body is null)
        {
            await FaultAsync(http, 400, "Sender", "WellFormed", "not a SOAP 1.2 envelope with a body");
            return;
        }
        var operation = body.Name.LocalName;
        if (!PreAuth.Contains(operation) && !await AuthenticateAsync(http, envelope)) return;
        await DispatchAsync(http, body, operation);
    }

    private async Task<bool> AuthenticateAsync(HttpContext http, XElement envelope)
    {
        if (_options.RequireHttpDigest)
        {
            if (_auth.CheckDigest(http.Request.Headers.Authorization.ToString(), http.Request.Method)) return true;
            Interlocked.Increment(ref _authFailures);
            http.Response.StatusCode = 401;
            http.Response.Headers.WWWAuthenticate = _auth.NewDigestChallenge();
            return false;
        }
        var problem = _auth.CheckUsernameToken(envelope);
        if (problem is null) return true;
        Interlocked.Increment(ref _authFailures);
        await FaultAsync(http, 400, "Sender", "NotAuthorized", $"Sender not authorized: {problem}");
        return false;
    }

    private async Task DispatchAsync(HttpContext http, XElement body, string operation)
    {
        var service = body.Name.NamespaceName switch
        {
            "http://www.onvif.org/ver10/device/wsdl" => "Device",
            "http://www.onvif.org/ver10/media/wsdl" => "Media",
            "http://www.onvif.org/ver20/media/wsdl" when _options.Media2 => "Media2",
            "http://www.onvif.org/ver20/ptz/wsdl" => "PTZ",
            "http://www.onvif.org/ver10/events/wsdl" or "http://docs.oasis-open.org/wsn/b-2" => "Events",
            _ => "?",
        };
        var token = Text(body, "ProfileToken");
        _calls.Enqueue($"{service}/{operation}{(token is null ? "" : " " + token)}{Details(body, operation)}");
        var values = new Dictionary<string, string> { ["Base"] = BaseUri.ToString().TrimEnd('/'), ["StreamUri"] = token == "profile_sub" ? _options.SubStreamUri ?? _options.StreamUri : _options.StreamUri };
        string? xml = (service, operation) switch
        {
            ("Device", "GetSystemDateAndTime") => Fixtures.Fill("GetSystemDateAndTimeResponse", DateValues(CameraNow())),
            ("Device", "GetDeviceInformation") => Fixtures.Fill("GetDeviceInformationResponse", new Dictionary<string, string>
            { ["Manufacturer"] = _options.Manufacturer, ["Model"] = _options.Model, ["Hardware"] = _options.Hardware }),
            ("Device", "GetCapabilities") => Fixtures.Fill("GetCapabilitiesResponse", values),
            ("Device", "GetServices") => Fixtures.Fill("GetServicesResponse", values,
                new Dictionary<string, string> { ["Media2Service"] = _options.Media2 ? Fixtures.Raw("Media2ServiceEntry") : "" }),
            ("Media", "GetProfiles") => Fixtures.Fill("GetProfilesResponse.media", values),
            ("Media", "GetVideoSources") => Fixtures.Fill("GetVideoSourcesResponse", values),
            ("Media", "GetStreamUri") when KnownProfile(token) => Fixtures.Fill("GetStreamUriResponse.media", values),
            ("Media", "GetSnapshotUri") when KnownProfile(token) => Fixtures.Fill("GetSnapshotUriResponse.media", new Dictionary<string, string>(values) { ["Profile"] = token! }),
            ("Media2", "GetProfiles") => Fixtures.Fill("GetProfilesResponse.media2", values),
            ("Media2", "GetStreamUri") when KnownProfile(token) => Fixtures.Fill("GetStreamUriResponse.media2", values),
            ("PTZ", "ContinuousMove" or "Stop") => Fixtures.Fill("PtzAcknowledgement", new Dictionary<string, string> { ["Operation"] = operation }),
            ("PTZ", "GotoPreset") when PresetExists(Text(body, "PresetToken")) => Fixtures.Fill("PtzAcknowledgement", new Dictionary<string, string> { ["Operation"] = operation }),
            ("PTZ", "GetPresets") => PresetsXml(),
            ("PTZ", "SetPreset") => Fixtures.Fill("SetPresetResponse", new Dictionary<string, string> { ["Token"] = AddPreset(Text(body, "PresetName") ?? "preset") }),
            ("Events", _) => await _events.HandleAsync(http.Request.Path, body, operation, values, http.RequestAborted),
            _ => null,
        };
        if (xml is null)
        {
            await FaultAsync(http, 400, "Sender", "InvalidArgVal", $"{service}/{operation} not supported or invalid argument (profile {token})");
            return;
        }
        http.Response.ContentType = "application/soap+xml; charset=utf-8";
        await http.Response.WriteAsync(xml, Encoding.UTF8);
    }

    private static string Details(XElement body, string operation)
    {
        if (operation != "ContinuousMove") return operation is "GotoPreset" ? " " + Text(body, "PresetToken") : "";
        var panTilt = body.Descendants().FirstOrDefault(e => e.Name.LocalName == "PanTilt");
        var zoom = body.Descendants().FirstOrDefault(e => e.Name.LocalName == "Zoom");
        return $" pan={panTilt?.Attribute("x")?.Value} tilt={panTilt?.Attribute("y")?.Value} zoom={zoom?.Attribute("x")?.Value}";
    }

    private static bool KnownProfile(string? token) => token is "profile_main" or "profile_sub";

    private bool PresetExists(string? token)
    {
        lock (_presetLock) return _presets.Any(p => p.Token == token);
    }

    private string AddPreset(string name)
    {
        lock (_presetLock)
        {
            var token = $"preset_{_presets.Count + 1}";
            _presets.Add((token, name));
            return token;
        }
    }

    private string PresetsXml()
    {
        lock (_presetLock)
        {
            var presets = string.Concat(_presets.Select(p => Fixtures.Fragment("Preset", new Dictionary<string, string> { ["Token"] = p.Token, ["Name"] = p.Name })));
            return Fixtures.Fill("GetPresetsResponse", new Dictionary<string, string>(), new Dictionary<string, string> { ["Presets"] = presets });
        }
    }

    internal static string? Text(XElement body, string localName) =>
        body.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value.Trim();

    internal static Dictionary<string, string> DateValues(DateTimeOffset t) => new()
    {
        ["Year"] = t.Year.ToString(CultureInfo.InvariantCulture),
        ["Month"] = t.Month.ToString(CultureInfo.InvariantCulture),
        ["Day"] = t.Day.ToString(CultureInfo.InvariantCulture),
        ["Hour"] = t.Hour.ToString(CultureInfo.InvariantCulture),
        ["Minute"] = t.Minute.ToString(CultureInfo.InvariantCulture),
        ["Second"] = t.Second.ToString(CultureInfo.InvariantCulture),
    };

    private static Task FaultAsync(HttpContext http, int status, string code, string subcode, string reason)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/soap+xml; charset=utf-8";
        return http.Response.WriteAsync(Fixtures.Fill("Fault", new Dictionary<string, string> { ["Code"] = code, ["Subcode"] = subcode, ["Reason"] = reason }), Encoding.UTF8);
    }
}
