using System.Diagnostics;

namespace Appliance.Cloud.Tests.Support;

/// <summary>mosquitto_sub, the independent MQTT client: reads the messages of one topic (retained first) with the fleet's certificate.</summary>
public static class MosquittoSub
{
    public static async Task<IReadOnlyList<string>> ReadAsync(Appliance.Testing.TestPki pki, int port, string topic, int count, TimeSpan timeout)
    {
        var (cert, key) = pki.Client("fleet");
        var info = new ProcessStartInfo("mosquitto_sub",
        [
            "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv5",
            "--cafile", pki.CaPath, "--cert", cert, "--key", key, "-i", "sub-" + Guid.NewGuid().ToString("N")[..8],
            "-t", topic, "-C", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-W", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) throw new TimeoutException($"mosquitto_sub read nothing on {topic} (exit {process.ExitCode}): {error}");
        return lines;
    }
}
