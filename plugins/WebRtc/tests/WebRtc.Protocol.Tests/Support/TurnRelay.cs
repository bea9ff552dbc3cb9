using System.Net;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>The coturn relay the end-to-end tests give the browser: long-term user u/p, relaying from loopback only.</summary>
public static class TurnRelay
{
    public const string User = "u";

    /// <summary>Listening on <paramref name="listenAddress"/>; relay ports 40000-40999 on 127.0.0.1, loopback peers allowed.</summary>
    public static CoturnOptions Options(string listenAddress = "127.0.0.1") => new()
    {
        ListeningIps = [IPAddress.Parse(listenAddress)],
        Realm = "test",
        Users = new Dictionary<string, string> { [User] = "p" },
        RelayIp = IPAddress.Loopback,
        RelayPorts = (40000, 40999),
        AllowLoopbackPeers = true,
    };
}
