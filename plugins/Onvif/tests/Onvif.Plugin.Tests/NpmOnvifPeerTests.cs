using System.Diagnostics;
using System.Text.Json;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>
/// The npm <c>onvif</c> package (a widely used independent client, pinned in plugins/Onvif/tests/peers) against the simulator:
/// proves the simulator speaks ONVIF as real clients expect, with WS-Security and with HTTP Digest.
/// </summary>
public class NpmOnvifPeerTests
{
    private static string PeersDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "plugins", "Onvif", "tests", "peers");
            if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
            if (File.Exists(Path.Combine(dir.FullName, "peers", "package-lock.json"))) return Path.Combine(dir.FullName, "peers");
        }
        throw new InvalidOperationException("plugins/Onvif/tests/peers not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string directory, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        return (process.ExitCode, await output, await error);
    }

    private static async Task<JsonElement> ConnectAsync(OnvifCameraSimulator camera)
    {
        var peers = PeersDirectory();
        if (!Directory.Exists(Path.Combine(peers, "node_modules", "onvif")))
        {
            var install = await RunAsync(peers, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            Assert.True(install.Code == 0, install.Error);
        }
        var (code, output, error) = await RunAsync(peers, "node", "onvif-client.js", camera.BaseUri.Host, camera.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            camera.Options.Username, camera.Options.Password);
        Assert.True(code == 0, $"node exited {code}: {error}\n{output}");
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    [Fact]
    public async Task NpmOnvifClientConnectsWithWsSecurity()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/npm-peer", ClockOffset = TimeSpan.FromMinutes(42) });
        var result = await ConnectAsync(camera);
        Assert.Equal("Appliance Test", result.GetProperty("manufacturer").GetString());
        Assert.Equal("SimCam-100", result.GetProperty("model").GetString());
        Assert.Equal(["profile_main", "profile_sub"], result.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("rtsp://127.0.0.1:8554/npm-peer", result.GetProperty("streamUri").GetString());
        Assert.Equal(0, camera.AuthenticationFailures);
        Assert.Contains(camera.Calls, c => c.StartsWith("Device/GetSystemDateAndTime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NpmOnvifClientAnswersTheSimulatorsHttpDigestChallenge()
    {
        await using var camera = await OnvifCameraSimulator.StartAsync(new SimulatorOptions { StreamUri = "rtsp://127.0.0.1:8554/digest", RequireHttpDigest = true });
        var result = await ConnectAsync(camera);
        Assert.Equal("rtsp://127.0.0.1:8554/digest", result.GetProperty("streamUri").GetString());
        Assert.True(camera.AuthenticationFailures >= 1, "the client must have been challenged at least once");
    }
}
