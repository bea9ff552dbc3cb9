using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Webhooks.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host() => Assert.True(PluginManifestFile.OutboundOnly(PluginManifestFile.Load("appliance.webhooks")));
}
