using System.Net;
using System.Net.Sockets;
using Appliance.Testing;

namespace Appliance.Network.Tests.Support;

/// <summary>
/// The dev rig the network doctor checks: real peers on loopback only, each on a free port. chronyd (NTP, clock
/// untouched), coturn (STUN on 127.0.0.1 and 127.0.0.2 for RFC 5780), dnsmasq (authoritative for
/// <see cref="Domain"/> only: every name under it is 127.0.0.1, <see cref="MissingDomain"/> is NXDOMAIN, nothing
/// is forwarded), and the GStreamer camera of the tests (<see cref="GstRtspServer"/>). The launchers are Appliance.Testing's.
/// </summary>
public sealed class DevRig : IAsyncDisposable
{
    public const string Domain = "appliance.test";
    public const string MissingDomain = "nx.appliance.test";

    private readonly List<IDisposable> _peers = [];

    private DevRig(string directory) => Directory = directory;

    public string Directory { get; }

    public int NtpPort { get; private set; }

    public int StunPort { get; private set; }

    public int DnsPort { get; private set; }

    public int CameraPort { get; private set; }

    public string CameraUri => $"rtsp://127.0.0.1:{CameraPort}/demo";

    public static async Task<DevRig> StartAsync()
    {
        var rig = new DevRig(System.IO.Directory.CreateTempSubdirectory("appl-netrig-").FullName);
        try
        {
            await Task.WhenAll(rig.StartChronyAsync(), rig.StartCoturnAsync(), rig.StartDnsmasqAsync(), rig.StartCameraAsync());
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    private T Add<T>(T peer) where T : IDisposable
    {
        lock (_peers) _peers.Add(peer);
        return peer;
    }

    private async Task StartChronyAsync()
    {
        var chrony = Add(await Chrony.StartAsync(Directory));
        NtpPort = chrony.EndPoint.Port;
        await Eventually.UntilAsync(() => NtpAnswersAsync(NtpPort), "chronyd answers NTP", TimeSpan.FromSeconds(60));
    }

    private async Task StartCoturnAsync()
    {
        var coturn = Add(await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Loopback, IPAddress.Parse("127.0.0.2")), Directory));
        StunPort = coturn.Port;
    }

    private async Task StartDnsmasqAsync()
    {
        var dns = Add(await Dnsmasq.StartAsync(Directory, Domain, new Dictionary<string, IPAddress> { [Domain] = IPAddress.Loopback }, [MissingDomain]));
        DnsPort = dns.EndPoint.Port;
    }

    private async Task StartCameraAsync()
    {
        var camera = Add(await GstRtspServer.StartAsync(FreePort.Tcp(), path: "/demo"));
        CameraPort = camera.Port;
    }

    /// <summary>An SNTPv4 client request (RFC 4330: LI 0, VN 4, mode 3); ready when a server-mode reply comes back.</summary>
    private static async Task<bool> NtpAnswersAsync(int port)
    {
        var request = new byte[48];
        request[0] = 0x23;
        var reply = await UdpExchangeAsync(port, request);
        return reply is { Length: >= 48 } && (reply[0] & 0x07) == 4;
    }

    private static async Task<byte[]?> UdpExchangeAsync(int port, byte[] request)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await udp.SendAsync(request, new IPEndPoint(IPAddress.Loopback, port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            return (await udp.ReceiveAsync(timeout.Token)).Buffer;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_peers)
        {
            foreach (var peer in _peers) peer.Dispose();
            _peers.Clear();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
