using System.Text.Json;
using Appliance.CloudLink;
using Appliance.Testing;

namespace Appliance.Cloud.Tests.Support;

/// <summary>
/// A simulated appliance for fleet-scale tests: the real <see cref="CloudConnection"/> and command envelope in the
/// test process, answering <c>status</c> with its device id. All share the certificate CN <c>sim</c>.
/// </summary>
public sealed class SimulatedAppliance : IAsyncDisposable
{
    public const string SimAcl = """
        pattern readwrite appliance/%u/#
        user fleet
        topic readwrite #
        user sim
        topic readwrite appliance/#
        """;

    private CloudConnection _connection = null!;

    public int CommandsAnswered;

    public string DeviceId { get; private init; } = "";

    public bool IsConnected => _connection.IsConnected;

    public static SimulatedAppliance Start(string deviceId, TlsMaterial tls, int port)
    {
        var sim = new SimulatedAppliance { DeviceId = deviceId };
        var settings = new CloudLinkSettings(deviceId, [new BrokerAddress("127.0.0.1", port)], tls)
        {
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(2),
            ConnectTimeout = TimeSpan.FromSeconds(20),
        };
        sim._connection = new CloudConnection(settings, TimeProvider.System, new Random(deviceId.GetHashCode()), sim.AnswerAsync, _ => { });
        sim._connection.Start();
        return sim;
    }

    public static TlsMaterial SharedTls(TestPki pki)
    {
        var (cert, key) = pki.Client("sim");
        return TlsMaterial.Load(pki.CaPath, cert, key).Value;
    }

    private async Task AnswerAsync(IncomingCommand incoming, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var parsed = CommandEnvelope.Parse(incoming.Payload.Span, DeviceId, now, 64 * 1024);
        var result = parsed.TryGetValue(out var command, out var failure)
            ? CommandResult.Ok(command, JsonSerializer.SerializeToElement(new { device = DeviceId }), now)
            : CommandResult.Error(CommandEnvelope.RequestIdOf(incoming.Payload.Span, 64 * 1024), null, failure.Code, failure.Message, now);
        Interlocked.Increment(ref CommandsAnswered);
        await _connection.RespondAsync(incoming, result, ct);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
