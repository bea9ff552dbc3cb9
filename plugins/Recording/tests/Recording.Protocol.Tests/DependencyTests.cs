using Appliance.Plugins.Recording.Protocol.Ts;
using Xunit;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>The protocol library stays pure: it references the contract, the BCL and the pure RTSP protocol library
/// (its H.264 SPS reader), never the host or the plugin.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_protocol_library_references_only_the_contract_the_runtime_and_the_rtsp_protocol_library()
    {
        var references = typeof(TsMuxer).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Appliance.Abstractions", references);
        Assert.All(references, name => Assert.True(name is "Appliance.Abstractions" or "Appliance.Plugins.Rtsp.Protocol" || name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"{name} is not allowed in Recording.Protocol"));
    }
}
