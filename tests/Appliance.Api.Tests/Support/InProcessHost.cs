using System.Text.Json.Nodes;
using Appliance.Host;
using Appliance.Testing;
using Microsoft.AspNetCore.Builder;

namespace Appliance.Api.Tests.Support;

/// <summary>The host built in-process exactly as Program.cs builds it, on free loopback ports with a temporary data directory.</summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private InProcessHost(WebApplication app, string dataDirectory, int httpsPort)
    {
        App = app;
        DataDirectory = dataDirectory;
        BaseUri = new Uri($"https://127.0.0.1:{httpsPort}");
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri BaseUri { get; }

    /// <param name="appliance">Sections of <c>appliance</c> set besides (or instead of) the defaults below.</param>
    public static async Task<InProcessHost> StartAsync(JsonObject? appliance = null)
    {
        var data = Directory.CreateTempSubdirectory("appl-api-").FullName;
        var httpsPort = FreePort.Tcp();
        var config = new JsonObject
        {
            ["appliance"] = new JsonObject
            {
                ["dataDirectory"] = data,
                ["bundledPluginsDirectory"] = null,
                ["http"] = new JsonObject { ["bindAddress"] = "127.0.0.1", ["httpsPort"] = httpsPort, ["httpPort"] = FreePort.Tcp() },
                ["plugins"] = new JsonObject { ["watchDirectory"] = false, ["allowUnsigned"] = true },
            },
        };
        foreach (var (key, value) in appliance ?? [])
            config["appliance"]![key] = value?.DeepClone();
        var path = Path.Combine(data, "appliance.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        var app = ApplianceApp.Build(["--config", path]);
        await app.StartAsync();
        return new InProcessHost(app, data, httpsPort);
    }

    /// <summary>A client that trusts the host's self-signed certificate, with or without cookies.</summary>
    public HttpClient Client(bool cookies = false) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, UseCookies = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };

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
