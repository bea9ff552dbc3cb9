using Appliance.Plugins.Recording.ObjectStorage;

namespace Appliance.Plugins.Recording.ObjectStorage.Tests;

public sealed class DependencyTests
{
    [Fact]
    public void The_library_references_only_the_bcl_the_contract_and_the_aws_sdk()
    {
        var references = typeof(ObjectExporter).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Appliance.Abstractions", references);
        Assert.Contains("AWSSDK.S3", references);
        Assert.All(references, name => Assert.True(
            name is "Appliance.Abstractions" or "AWSSDK.S3" or "AWSSDK.Core" or "netstandard" or "mscorlib" || name.StartsWith("System", StringComparison.Ordinal),
            $"{name} is neither the BCL, the plugin contract nor the AWS SDK (no host reference)"));
    }
}
