using System.Net;
using System.Net.Sockets;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>The plain TCP target check (a plugin's configured VMS servers) against a real loopback listener and a closed port.</summary>
public sealed class TcpTargetCheckTests
{
    [Fact]
    public async Task A_listening_target_passes_by_name_and_a_closed_port_fails_naming_the_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptSocketAsync();

        var open = await Run.CheckAsync(new TcpTargetCheck(new TcpTarget("vms1.site.test", port, "VMS servers"), Run.Loopback("vms1.site.test")));
        Assert.True(open.Status == CheckStatus.Pass, open.Detail);
        Assert.Equal(CheckNames.TcpTarget, open.Name);
        Assert.Equal($"vms1.site.test:{port}", open.Target);
        using (var peer = await accepted.WaitAsync(TimeSpan.FromSeconds(10)))
            Assert.NotNull(peer.RemoteEndPoint);

        var closed = FreePort.Tcp();
        var refused = await Run.CheckAsync(new TcpTargetCheck(new TcpTarget("127.0.0.1", closed, "VMS servers"), Run.Loopback()));
        Assert.Equal(CheckStatus.Fail, refused.Status);
        Assert.Contains($"TCP {closed} refused by 127.0.0.1", refused.Detail, StringComparison.Ordinal);
        Assert.Contains($"Allow outbound TCP {closed} to 127.0.0.1 (VMS servers)", refused.Remediation, StringComparison.Ordinal);
    }
}
