using Appliance.Plugins.Rtsp.Protocol.Client;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class DependencyTests
{
    [Fact]
    public void TheProtocolLibraryReferencesOnlyTheBclAndTheContract()
    {
        var references = typeof(RtspPullSession).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Appliance.Abstractions", references);
        Assert.All(references, name => Assert.True(
            name == "Appliance.Abstractions" || name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"{name} is neither the BCL nor the plugin contract"));
    }
}
