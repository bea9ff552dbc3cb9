using Appliance.Plugins.Recording.Protocol.Ts;
using Xunit;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>The protocol library stays pure: it references the contract and the BCL only, never the host or the plugin.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_protocol_library_references_only_the_contract_and_the_runtime()
    {
        var references = typeof(TsMuxer).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Appliance.Abstractions", references);
        Assert.All(references, name => Assert.True(name == "Appliance.Abstractions" || name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"{name} is not allowed in Recording.Protocol"));
    }
}
