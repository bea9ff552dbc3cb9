using System.Diagnostics;

namespace Appliance.Plugins.Mqtt.Tests;

/// <summary>
/// A site broker for the tests: mosquitto (through the shared <see cref="MosquittoPeer"/>) on a free port, plain or
/// TLS with a self-signed certificate, anonymous or with a password file; a TLS broker gets a second, plain listener
/// for the test's own subscriber (<see cref="SubscriberPort"/>).
/// </summary>
public sealed class SiteBroker : IAsyncDisposable
{
    public const string User = "appliance";
    public const string Password = "s3cret pass";

    private SiteBroker(MosquittoPeer peer, int subscriberPort, bool authenticated)
    {
        Peer = peer;
        SubscriberPort = subscriberPort;
        Authenticated = authenticated;
    }

    public MosquittoPeer Peer { get; }

    public int Port => Peer.Port;

    public int SubscriberPort { get; }

    public bool Authenticated { get; }

    public static async Task<SiteBroker> StartAsync(string folder, SelfSignedCertificate? tls = null, bool authenticated = false, int? port = null)
    {
        Directory.CreateDirectory(folder);
        var chosen = port ?? FreePort.Tcp();
        var lines = new List<string> { $"listener {chosen} 127.0.0.1" };
        if (tls is not null) lines.AddRange([$"cafile {tls.CertificatePath}", $"certfile {tls.CertificatePath}", $"keyfile {tls.KeyPath}", "tls_version tlsv1.2"]);
        var subscriberPort = chosen;
        if (tls is not null)
        {
            subscriberPort = FreePort.Tcp();
            lines.Add($"listener {subscriberPort} 127.0.0.1");
        }
        if (authenticated)
        {
            var passwords = Path.Combine(folder, "passwords");
            using var create = Process.Start("mosquitto_passwd", ["-c", "-b", passwords, User, Password])!;
            await create.WaitForExitAsync();
            Assert.Equal(0, create.ExitCode);
            lines.AddRange([$"password_file {passwords}", "allow_anonymous false"]);
        }
        else
        {
            lines.Add("allow_anonymous true");
        }
        return new SiteBroker(await MosquittoPeer.StartWithAsync(folder, chosen, lines), subscriberPort, authenticated);
    }

    /// <summary>Starts <c>mosquitto_sub</c> on <paramref name="filter"/> and waits until the broker logged its subscription.</summary>
    public async Task<Subscriber> SubscribeAsync(string filter)
    {
        var subscriber = Subscriber.Start(SubscriberPort, filter, Authenticated ? (User, Password) : null);
        await Eventually.UntilAsync(() => Peer.Log.Contains($"{subscriber.ClientId} 2 {filter}", StringComparison.Ordinal) || subscriber.Exited,
            $"subscription of {subscriber.ClientId}", diagnostics: () => Peer.Log + subscriber.Errors);
        Assert.False(subscriber.Exited, subscriber.Errors);
        return subscriber;
    }

    public async ValueTask DisposeAsync() => await Peer.DisposeAsync();
}
