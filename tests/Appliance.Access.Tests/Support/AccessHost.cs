using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Appliance.Host;
using Appliance.Testing;
using Microsoft.AspNetCore.Builder;

namespace Appliance.Access.Tests.Support;

/// <summary>
/// The host built in-process exactly as Program.cs builds it, on free loopback ports with a temporary data
/// directory. Clients can come from any 127.0.0.x source address: 127.0.0.1 is the box itself (a management
/// source), other addresses play a machine elsewhere on the LAN.
/// </summary>
public sealed class AccessHost : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "correct-Horse-battery-9";
    public static readonly IPAddress Console = IPAddress.Loopback;

    private AccessHost(WebApplication app, string dataDirectory, int httpsPort, int httpPort)
    {
        App = app;
        DataDirectory = dataDirectory;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public int HttpsPort { get; }

    public int HttpPort { get; }

    public Uri BaseUri => new($"https://127.0.0.1:{HttpsPort}");

    /// <summary>Starts a host; <paramref name="appliance"/> is merged into the <c>appliance</c> section.</summary>
    public static async Task<AccessHost> StartAsync(JsonObject? appliance = null, string? dataDirectory = null)
    {
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("appl-access-").FullName;
        var httpsPort = FreePort.Tcp();
        var httpPort = FreePort.Tcp();
        var section = new JsonObject
        {
            ["dataDirectory"] = data,
            ["bundledPluginsDirectory"] = null,
            ["http"] = new JsonObject { ["bindAddress"] = "127.0.0.1", ["httpsPort"] = httpsPort, ["httpPort"] = httpPort },
            ["plugins"] = new JsonObject { ["watchDirectory"] = false, ["allowUnsigned"] = true },
        };
        if (appliance is not null)
            foreach (var (key, value) in appliance)
                section[key] = value?.DeepClone();
        var path = Path.Combine(data, "appliance.json");
        await File.WriteAllTextAsync(path, new JsonObject { ["appliance"] = section }.ToJsonString());
        var app = ApplianceApp.Build(["--config", path]);
        await app.StartAsync();
        return new AccessHost(app, data, httpsPort, httpPort);
    }

    /// <summary>A client from <paramref name="source"/> (default: the box itself) that trusts the self-signed certificate.</summary>
    public HttpClient Client(IPAddress? source = null, bool cookies = false, CookieContainer? jar = null) =>
        new(Handler(source, cookies, jar)) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(120) };

    public static SocketsHttpHandler Handler(IPAddress? source, bool cookies = false, CookieContainer? jar = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            UseCookies = cookies || jar is not null,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 64,
        };
        if (jar is not null) handler.CookieContainer = jar;
        var from = source ?? Console;
        handler.ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }

    public static IPAddress Elsewhere(int n) => IPAddress.Parse($"127.0.0.{n}");

    /// <summary>Creates the administrator from the box itself (no setup code needed there).</summary>
    public async Task SetUpAdminAsync()
    {
        using var client = Client();
        using var response = await client.PostAsync("/auth/setup", Json(new { username = AdminUser, password = AdminPassword }));
        response.EnsureSuccessStatusCode();
    }

    public async Task<string> TokenAsync(string user = AdminUser, string password = AdminPassword, IPAddress? source = null, double? days = null)
    {
        using var client = Client(source);
        using var response = await client.PostAsync("/auth/token", Json(new { username = user, password, label = "tests", expiresInDays = days }));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    public HttpClient TokenClient(string token, IPAddress? source = null)
    {
        var client = Client(source);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static StringContent Json(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
