using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Testing;

/// <summary>
/// The real appliance host started as a child process on free loopback ports, with its own data
/// directory and config file. Kill it (SIGKILL) and start it again on the same data to test durability.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "correct-Horse-battery-9";

    private Process? _process;
    private readonly StringBuilder _log = new();

    private readonly IReadOnlyDictionary<string, string> _environment;

    private HostProcess(string dataDirectory, string configPath, int httpsPort, int httpPort, string? netns, IReadOnlyDictionary<string, string>? environment)
    {
        _environment = environment ?? new Dictionary<string, string>();
        DataDirectory = dataDirectory;
        ConfigPath = configPath;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
        Netns = netns;
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        if (netns is not null) handler.ConnectCallback = NetnsSockets.ConnectIn(netns);
        Client = new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public string DataDirectory { get; }

    /// <summary>The network namespace the host runs in (null: the test's own), reached through <see cref="Client"/>.</summary>
    public string? Netns { get; }

    public string ConfigPath { get; }

    public int HttpsPort { get; }

    public int HttpPort { get; }

    public Uri BaseUri => Client.BaseAddress!;

    /// <summary>A client that trusts the host's self-signed certificate; after <see cref="LoginAsync"/> it carries a bearer token.</summary>
    public HttpClient Client { get; }

    public int Pid => _process?.Id ?? throw new InvalidOperationException("not started");

    public bool HasExited => _process?.HasExited ?? true;

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>
    /// Writes a config (merging <paramref name="appliance"/> into the defaults) and starts the host.
    /// <paramref name="bundledPlugins"/> is installed on first start. <paramref name="environment"/> is added to the
    /// process's environment (<c>NOTIFY_SOCKET</c> is removed unless named there).
    /// </summary>
    public static async Task<HostProcess> StartAsync(string? dataDirectory = null, string? bundledPlugins = null, JsonObject? appliance = null, JsonObject? pluginConfig = null, string? netns = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("appl-host-").FullName;
        var httpsPort = FreePort.Tcp();
        var httpPort = FreePort.Tcp();
        var section = new JsonObject
        {
            ["dataDirectory"] = dataDirectory,
            ["bundledPluginsDirectory"] = bundledPlugins,
            ["http"] = new JsonObject { ["bindAddress"] = "127.0.0.1", ["httpsPort"] = httpsPort, ["httpPort"] = httpPort },
            ["plugins"] = new JsonObject { ["startTimeoutSeconds"] = 5, ["stopTimeoutSeconds"] = 5, ["watchDirectory"] = true },
            ["pluginConfig"] = pluginConfig ?? new JsonObject(),
        };
        if (appliance is not null)
            foreach (var (key, value) in appliance)
                section[key] = value?.DeepClone();
        // Test hosts accept unsigned zips (the upload most tests install with) unless the test says otherwise.
        if (section["plugins"] is JsonObject plugins && !plugins.ContainsKey("allowUnsigned")) plugins["allowUnsigned"] = true;
        var configPath = Path.Combine(dataDirectory, "appliance.json");
        await File.WriteAllTextAsync(configPath, new JsonObject { ["appliance"] = section }.ToJsonString());
        var host = new HostProcess(dataDirectory, configPath, httpsPort, httpPort, netns, environment);
        await host.StartAgainAsync();
        return host;
    }

    /// <summary>Starts the host process (again) on the same data directory and config, and waits for /healthz.</summary>
    public async Task StartAgainAsync()
    {
        if (!File.Exists(RepoPaths.HostDll))
            throw new FileNotFoundException("build the host first (./build.sh build)", RepoPaths.HostDll);
        string[] command = Netns is null
            ? ["dotnet", RepoPaths.HostDll, "--config", ConfigPath]
            : ["ip", "netns", "exec", Netns, "dotnet", RepoPaths.HostDll, "--config", ConfigPath];
        var info = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment.Remove("NOTIFY_SOCKET");
        foreach (var (name, value) in _environment) info.Environment[name] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"host exited with {_process.ExitCode}:\n{Log}");
            try
            {
                using var response = await Client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"host not healthy within {timeout}:\n{Log}");
    }

    /// <summary>Creates the first admin if needed, then takes a bearer token for <see cref="Client"/>.</summary>
    public async Task LoginAsync()
    {
        var state = await Client.GetFromJsonAsync<JsonElement>("/auth/state");
        if (state.GetProperty("setupRequired").GetBoolean())
        {
            using var setup = await Client.PostAsJsonAsync("/auth/setup", new { username = AdminUser, password = AdminPassword });
            setup.EnsureSuccessStatusCode();
        }
        using var response = await Client.PostAsJsonAsync("/auth/token", new { username = AdminUser, password = AdminPassword, label = "tests" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Waits (logged in) until <paramref name="plugin"/> is running; a plugin that cannot run fails the wait with its state and error.</summary>
    public async Task UntilPluginRunningAsync(string plugin)
    {
        await Eventually.ValueAsync(async () =>
            {
                using var response = await Client.GetAsync($"/api/v1/plugins/{plugin}");
                if (!response.IsSuccessStatusCode) return $"HTTP {(int)response.StatusCode} (not installed yet)";
                var status = await response.Content.ReadFromJsonAsync<JsonElement>();
                return $"{status.GetProperty("state").GetString()} ({(status.TryGetProperty("error", out var error) ? error.ToString() : "")})";
            },
            state => state.StartsWith("Running", StringComparison.Ordinal), $"{plugin} running", TimeSpan.FromSeconds(60),
            () => "host log tail: " + string.Concat(Log.TakeLast(3000)), TimeSpan.FromMilliseconds(300));
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            Process.Start("kill", ["-TERM", p.Id.ToString()])?.WaitForExit(5000);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        Client.Dispose();
    }
}
