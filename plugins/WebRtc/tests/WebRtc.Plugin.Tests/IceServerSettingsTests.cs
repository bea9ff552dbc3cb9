using System.Text.Json;
using Appliance.Plugins.WebRtc.Protocol.Turn;
using Xunit;

namespace Appliance.Plugins.WebRtc.Plugin.Tests;

/// <summary>The iceServers setting: what the README's example means, and every malformed item named by its index.</summary>
public sealed class IceServerSettingsTests
{
    private static WebRtcPluginSettings Parse(string json)
    {
        var parsed = WebRtcPluginSettings.From(JsonDocument.Parse(json).RootElement);
        Assert.True(parsed.IsOk, parsed.Failure?.ToString());
        return parsed.Value;
    }

    [Fact]
    public void Stun_turn_and_turns_items_become_ice_servers_with_the_footprints_defaults()
    {
        var settings = Parse("""
            { "hostAddresses": "127.0.0.1", "iceServers": [
              { "type": "stun", "host": "stun.example.net" },
              { "type": "turn", "host": "turn.example.net", "transport": "tcp", "username": "u", "credential": "p" },
              { "type": "turns", "host": "turn.example.net", "port": 443, "transport": "tcp", "username": "u", "credential": "p", "certificateSha256": "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89" }
            ] }
            """);
        Assert.Equal(
            [
                new IceServer(IceServerKind.Stun, "stun.example.net", 3478, TurnTransport.Udp),
                new IceServer(IceServerKind.Turn, "turn.example.net", 3478, TurnTransport.Tcp, "u", "p"),
                new IceServer(IceServerKind.Turn, "turn.example.net", 443, TurnTransport.Tls, "u", "p", "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"),
            ],
            settings.IceServers);
        Assert.Empty(Parse("""{ "hostAddresses": "127.0.0.1" }""").IceServers);
    }

    [Theory]
    [InlineData("""{ "iceServers": "turn:x" }""", "iceServers: expected an array")]
    [InlineData("""{ "iceServers": [ 3 ] }""", "iceServers[0]: expected an object")]
    [InlineData("""{ "iceServers": [ { "type": "turn:", "host": "h" } ] }""", "iceServers[0].type")]
    [InlineData("""{ "iceServers": [ { "type": "stun" } ] }""", "iceServers[0].host")]
    [InlineData("""{ "iceServers": [ { "type": "stun", "host": "a b" } ] }""", "iceServers[0].host")]
    [InlineData("""{ "iceServers": [ { "type": "stun", "host": "h", "port": 70000 } ] }""", "iceServers[0].port")]
    [InlineData("""{ "iceServers": [ { "type": "stun", "host": "h", "port": "3478" } ] }""", "iceServers[0].port")]
    [InlineData("""{ "iceServers": [ { "type": "stun", "host": "h", "transport": "sctp" } ] }""", "iceServers[0].transport")]
    [InlineData("""{ "iceServers": [ { "type": "stun", "host": "h", "transport": "tcp" } ] }""", "STUN servers over UDP only")]
    [InlineData("""{ "iceServers": [ { "type": "stun", "host": "h" }, { "type": "turn", "host": "h" } ] }""", "iceServers[1]: a TURN server needs a username and a credential")]
    [InlineData("""{ "iceServers": [ { "type": "turns", "host": "h", "username": "u", "credential": "p" } ] }""", "TURN over TLS runs on TCP")]
    [InlineData("""{ "iceServers": [ { "type": "turns", "host": "h", "transport": "tcp", "username": "u", "credential": "p", "certificateSha256": "abc" } ] }""", "64 hex digits")]
    [InlineData("""{ "iceServers": [ {"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"},{"type":"stun","host":"h"} ] }""", "at most 8")]
    public void Malformed_items_are_refused_with_their_path(string json, string expected)
    {
        var parsed = WebRtcPluginSettings.From(JsonDocument.Parse(json).RootElement);
        Assert.False(parsed.IsOk);
        Assert.Contains(expected, parsed.Failure!.Message);
    }
}
