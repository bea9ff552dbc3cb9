using System.Diagnostics;
using System.Text;

namespace Appliance.Plugins.Mqtt.Tests;

/// <summary>
/// The independent observer: <c>mosquitto_sub</c> at QoS 2 (so each message arrives at the QoS it was published
/// with), one line per message: topic, QoS, retain flag and payload (as hex, so any byte shows). Stopped by its own pid.
/// </summary>
public sealed class Subscriber : IDisposable
{
    private readonly Process _process;
    private readonly List<Received> _messages = [];
    private readonly StringBuilder _errors = new();

    private Subscriber(Process process, string clientId)
    {
        _process = process;
        ClientId = clientId;
    }

    public string ClientId { get; }

    public bool Exited => _process.HasExited;

    public string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    public IReadOnlyList<Received> Messages
    {
        get
        {
            lock (_messages) return _messages.ToList();
        }
    }

    public static Subscriber Start(int port, string filter, (string User, string Password)? credentials)
    {
        var clientId = "observer-" + Guid.NewGuid().ToString("N")[..8];
        var arguments = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", clientId,
            "-q", "2", "-t", filter, "-F", "%t\t%q\t%r\t%x" };
        if (credentials is { } c) arguments.AddRange(["-u", c.User, "-P", c.Password]);
        var info = new ProcessStartInfo("mosquitto_sub", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto_sub did not start");
        var subscriber = new Subscriber(process, clientId);
        process.OutputDataReceived += (_, e) => subscriber.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (subscriber._errors) subscriber._errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return subscriber;
    }

    public Task<IReadOnlyList<Received>> WaitForAsync(int count) =>
        Eventually.UntilAsync(() => Task.FromResult(Messages), m => m.Count >= count, TimeSpan.FromSeconds(20));

    private void OnLine(string? line)
    {
        if (line is null) return;
        var parts = line.Split('\t', 4);
        if (parts.Length != 4) return;
        var message = new Received(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2] == "1", Convert.FromHexString(parts[3]));
        lock (_messages) _messages.Add(message);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

public sealed record Received(string Topic, int Qos, bool Retained, byte[] Payload)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}
