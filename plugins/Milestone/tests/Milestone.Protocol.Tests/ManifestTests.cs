namespace Appliance.Plugins.Milestone.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"));
        var parsed = Appliance.Core.Manifest.ManifestParser.parse(json);
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : string.Join("; ", parsed.ErrorValue));
        Assert.Equal("appliance.milestone", parsed.ResultValue.Id);
        Assert.All(parsed.ResultValue.Network, e => Assert.Equal(Appliance.Core.Manifest.Direction.Outbound, e.Direction));
        Assert.True(Appliance.Core.Manifest.Versions.checkHostApi(
            new Appliance.Core.Manifest.ApiVersion(Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor), parsed.ResultValue.HostApi).IsOk);
    }
}
