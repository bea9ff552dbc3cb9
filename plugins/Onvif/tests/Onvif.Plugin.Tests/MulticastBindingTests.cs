using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>The optional IPv6 half of discovery: without a usable interface the loop goes on over IPv4 and says why.</summary>
public sealed class MulticastBindingTests
{
    [Fact]
    public void IPv6WithoutAnUsableInterfaceIsAClearErrorAndBindsNothing()
    {
        var bound = 0;
        var sockets = new FakeSockets((_, _) => { bound++; throw new InvalidOperationException("must not bind"); });
        var error = Assert.Throws<InvalidOperationException>(() => MulticastBinding.IPv6(sockets, 3702, "ff02::c", []));
        Assert.Contains("no IPv6 interface", error.Message);
        Assert.Equal(0, bound);
    }

    [Fact]
    public void DualStackFallsBackToIPv4AndNamesTheReason()
    {
        var log = new MemoryLogDouble();
        var binding = DualStack.TryBind(() => throw new InvalidOperationException("no IPv6 interface is up and multicast-capable"), "ws-discovery", log);
        Assert.Equal("unavailable", binding.Failure?.Code);
        Assert.Contains(log.Lines, l => l.Contains("IPv4 only"));
        using var ipv4 = new MulticastBinding(new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp),
            [new IPEndPoint(IPAddress.Parse("239.255.255.250"), 3702)], "239.255.255.250");
        Assert.Equal("239.255.255.250; no IPv6: no IPv6 interface is up and multicast-capable", DualStack.Describe(ipv4, binding));
        Assert.False(ipv4.IsIPv6);
        var none = DualStack.TryBind(null, "mdns", log);
        Assert.True(none.IsOk);
        Assert.Null(none.Value);
    }
}
