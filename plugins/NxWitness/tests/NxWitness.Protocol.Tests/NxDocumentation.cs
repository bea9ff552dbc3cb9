using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>
/// The documented formats, checked field by field by the fake server (there is no Nx server in CI: it needs Windows
/// or licences). Sources:
/// <list type="bullet">
/// <item>Nx Witness 4.2 Server HTTP API, the server's own apidoc (what its web admin shows under "For Developers"),
/// blocks <c>%apidoc GET /api/createEvent</c> and <c>%apidoc POST /api/manualCamera/add</c>, in
/// https://github.com/networkoptix/nx_open/blob/master/vms/server/nx_vms_server/src/media_server_process.cpp</item>
/// <item>Nx Witness User Manual, "Generic Event", section "Basic Parameters" (the metadata format):
/// https://resources.vmsproxy.com/nx_6.0_help/generic_event.html</item>
/// <item>Network Optix support, "Adding a Camera or RTSP Stream Using API" (search, status, add, stop):
/// https://support.networkoptix.com/hc/en-us/articles/360026015473</item>
/// <item>Network Optix samples: python/examples/generic_event.py and add_camera_digest.py in
/// https://github.com/networkoptix/nx_open_integrations</item>
/// </list>
/// </summary>
public static partial class NxDocumentation
{
    /// <summary>The apidoc's example request of <c>GET /api/createEvent</c>, verbatim.</summary>
    public const string CreateEventExample =
        "http://127.0.0.1:7001/api/createEvent?timestamp=2016-09-16T16:02:41Z&caption=CreditCardUsed&metadata={\"cameraRefs\":[\"3A4AD4EA-9269-4B1F-A7AA-2CEC537D0248\",\"3A4AD4EA-9269-4B1F-A7AA-2CEC537D0240\"]}";

    /// <summary>The user manual's metadata, HTML (percent) encoded as it shows it, for a device id.</summary>
    public const string ManualMetadataExample = "{%22cameraRefs%22:[%22<id>%22]}";

    /// <summary>The apidoc's example body of <c>POST /api/manualCamera/add</c>.</summary>
    public const string ManualCameraAddExample = """
        { "user": "some_user", "password": "some_password",
          "cameras": [ { "uniqueId": "00-1A-07-00-FF-FF", "url": "192.168.0.100", "manufacturer": "3100" } ] }
        """;

    private static readonly string[] CreateEventParameters = ["timestamp", "source", "caption", "description", "metadata", "state"];

    /// <summary>
    /// <c>GET /api/createEvent</c>: only the documented parameters, each at most once; timestamp milliseconds since the
    /// epoch or <c>YYYY-MM-DDTHH:mm:ss(.zzz)</c>; metadata a JSON object whose only field is <c>cameraRefs</c>, an array
    /// of strings; state <c>Active</c> or <c>Inactive</c>. Returns the parameters.
    /// </summary>
    public static Dictionary<string, string> ValidateCreateEvent(FakeRequest request)
    {
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/createEvent", request.Path);
        Assert.Equal("", request.Body);
        var query = request.Query;
        Assert.All(query, q => Assert.Contains(q.Key, CreateEventParameters));
        Assert.Equal(query.Count, query.Select(q => q.Key).Distinct().Count());
        var parameters = query.ToDictionary(q => q.Key, q => q.Value);
        if (parameters.TryGetValue("timestamp", out var timestamp))
            Assert.True(long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _) || IsoTime().IsMatch(timestamp), $"timestamp \"{timestamp}\"");
        if (parameters.TryGetValue("metadata", out var metadata))
        {
            using var document = JsonDocument.Parse(metadata);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            Assert.Equal(["cameraRefs"], document.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.All(document.RootElement.GetProperty("cameraRefs").EnumerateArray(), r => Assert.Equal(JsonValueKind.String, r.ValueKind));
        }
        if (parameters.TryGetValue("state", out var state)) Assert.Contains(state, new[] { "Active", "Inactive" });
        Assert.All(parameters.Values, v => Assert.DoesNotContain(v, c => char.IsControl(c)));
        return parameters;
    }

    public static List<string> CameraRefs(Dictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("metadata", out var metadata)) return [];
        using var document = JsonDocument.Parse(metadata);
        return document.RootElement.GetProperty("cameraRefs").EnumerateArray().Select(r => r.GetString()!).ToList();
    }

    /// <summary><c>POST /api/manualCamera/add</c> with a JSON body: optional user and password strings, a non-empty cameras array of {uniqueId, url, manufacturer} strings.</summary>
    public static JsonElement ValidateManualCameraAdd(string method, string path, string body)
    {
        Assert.Equal("POST", method);
        Assert.Equal("/api/manualCamera/add", path);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.All(root.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "user", "password", "cameras" }));
        foreach (var name in new[] { "user", "password" })
            if (root.TryGetProperty(name, out var v)) Assert.Equal(JsonValueKind.String, v.ValueKind);
        var cameras = root.GetProperty("cameras");
        Assert.True(cameras.GetArrayLength() > 0);
        foreach (var camera in cameras.EnumerateArray())
        {
            Assert.Equal(["manufacturer", "uniqueId", "url"], camera.EnumerateObject().Select(p => p.Name).Order());
            Assert.All(camera.EnumerateObject(), p => Assert.False(string.IsNullOrEmpty(p.Value.GetString())));
        }
        return root.Clone();
    }

    /// <summary>An RFC 7616 Digest Authorization (qop=auth, MD5) for <paramref name="password"/>, checked independently of the plugin's code.</summary>
    public static bool DigestIsValid(FakeRequest request, string user, string password, string realm, string nonce)
    {
        if (!request.Headers.TryGetValue("Authorization", out var header) || !header.StartsWith("Digest ", StringComparison.Ordinal)) return false;
        var p = DigestParams().Matches(header).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value);
        string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
        if (p.GetValueOrDefault("username") != user || p.GetValueOrDefault("realm") != realm || p.GetValueOrDefault("nonce") != nonce) return false;
        if (p.GetValueOrDefault("uri") != request.RequestTarget) return false;
        var expected = Md5($"{Md5($"{user}:{realm}:{password}")}:{nonce}:{p["nc"]}:{p["cnonce"]}:{p["qop"]}:{Md5($"{request.Method}:{request.RequestTarget}")}");
        return p.GetValueOrDefault("response") == expected;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z?$")]
    private static partial Regex IsoTime();

    [GeneratedRegex("""(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))""")]
    private static partial Regex DigestParams();
}
