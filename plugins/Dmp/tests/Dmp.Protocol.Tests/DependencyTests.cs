using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp.Tests;

public sealed class DependencyTests
{
    [Fact]
    public void The_protocol_library_references_only_the_bcl_and_the_contract()
    {
        var references = typeof(DmpMessageParser).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Appliance.Abstractions", references);
        Assert.All(references, name => Assert.True(
            name == "Appliance.Abstractions" || name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"{name} is neither the BCL nor the plugin contract"));
    }
}
