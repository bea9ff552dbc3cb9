using Appliance.Plugins.WebRtc.Protocol.Session;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

public sealed class DependencyTests
{
    [Fact]
    public void The_protocol_library_references_only_the_bcl_the_contract_and_bouncycastle()
    {
        var references = typeof(WebRtcPeerSession).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Appliance.Abstractions", references);
        Assert.All(references, name => Assert.True(
            name is "Appliance.Abstractions" or "BouncyCastle.Cryptography" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal),
            $"{name} is neither the BCL, the plugin contract nor BouncyCastle"));
    }
}
