using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Testing;
using Xunit;

namespace Appliance.Isolation.Tests;

/// <summary>
/// <c>IPluginContext.DataUse</c> from an isolated plugin (the surface test plugin in its own process): its reports reach
/// the host's accounting under its id, and what the host would refuse is refused in the plugin's process already.
/// </summary>
public sealed class IsolatedDataUseTests
{
    [Fact]
    public async Task An_isolated_plugins_reports_are_counted_by_the_host_and_bad_ones_refused_in_its_process()
    {
        await using var host = await IsolatedSurfaceHost.StartAsync(null, IsolatedSurfaceHost.Manifest("iso.datause"));
        var (pid, _) = await IsolatedSurfaceHost.ProcessAsync(host, "iso.datause");
        Assert.NotEqual(host.Pid, pid);

        using (var reported = await host.Client.PostAsync("/plugins/iso.datause/datause?category=clips&bytes=123456", null))
            Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        using (var unknown = await host.Client.PostAsync("/plugins/iso.datause/datause?category=videos&bytes=1", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("'videos' is not one of", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refused").GetString());
        }

        using (var negative = await host.Client.PostAsync("/plugins/iso.datause/datause?category=clips&bytes=-1", null))
            Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);

        var month = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var use = await Eventually.ValueAsync(
            async () => await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/datause?month={month}"),
            u => u.GetProperty("sourceBytes").TryGetProperty("iso.datause", out _),
            "the isolated plugin's report counted", TimeSpan.FromSeconds(30));
        Assert.Equal(123456, use.GetProperty("sourceBytes").GetProperty("iso.datause").GetInt64());
        Assert.Equal(123456, use.GetProperty("monthBytes").GetProperty("clips").GetInt64());
    }
}
