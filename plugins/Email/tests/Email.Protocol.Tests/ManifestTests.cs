namespace Appliance.Plugins.Email.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"));
        var parsed = Appliance.Core.Manifest.ManifestFacade.Parse(json);
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Failure!.Message);
        Assert.Equal("appliance.email", parsed.Value.Id);
        Assert.All(parsed.Value.Network, e => Assert.Equal(Appliance.Core.Manifest.Direction.Outbound, e.Direction));
        Assert.Null(Appliance.Core.Manifest.ManifestFacade.CheckHostApi(parsed.Value, Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor));
    }
}
