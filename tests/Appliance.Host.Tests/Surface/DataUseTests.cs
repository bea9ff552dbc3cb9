using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Testing;
using Microsoft.Data.Sqlite;

namespace Appliance.Host.Tests.Surface;

/// <summary>
/// Data-use accounting (issue 20 item 5) against the real host process: a HostApi 1.1 plugin (the surface test plugin)
/// reports through <c>IPluginContext.DataUse</c>, <c>GET /api/v1/datause</c> answers per day and month next to the
/// bandwidth planner's estimate, and the totals survive a SIGKILL of the host.
/// </summary>
public sealed class DataUseTests
{
    private static async Task<HostProcess> StartAsync()
    {
        var bundled = Directory.CreateTempSubdirectory("appl-datause-bundled-").FullName;
        SurfacePluginPackage.Folder(bundled, SurfacePluginPackage.Manifest("test.surface", "1.0.0", "v1"));
        var host = await HostProcess.StartAsync(bundledPlugins: bundled);
        await host.LoginAsync();
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync("/plugins/test.surface/hello")).IsSuccessStatusCode, "the surface plugin answers", TimeSpan.FromSeconds(60));
        return host;
    }

    private static async Task<HttpResponseMessage> ReportAsync(HostProcess host, string category, long bytes) =>
        await host.Client.PostAsync($"/plugins/test.surface/datause?category={category}&bytes={bytes.ToString(CultureInfo.InvariantCulture)}", null);

    private static async Task<JsonElement> DataUseAsync(HostProcess host, string month)
    {
        using var response = await host.Client.GetAsync($"/api/v1/datause?month={month}");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static long DatabaseTotal(HostProcess host)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "appliance.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(bytes), 0) FROM data_use WHERE source = 'test.surface'";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_plugins_reports_are_counted_per_day_and_month_next_to_the_planner_and_survive_a_kill()
    {
        await using var host = await StartAsync();
        var month = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        foreach (var (category, bytes) in new[] { ("clips", 1_000_000L), ("thumbnails", 250_000L), ("clips", 500_000L) })
        {
            using var reported = await ReportAsync(host, category, bytes);
            Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        }

        var use = await DataUseAsync(host, month);
        Assert.Equal(month, use.GetProperty("month").GetString());
        Assert.Equal(1_500_000, use.GetProperty("monthBytes").GetProperty("clips").GetInt64());
        Assert.Equal(250_000, use.GetProperty("monthBytes").GetProperty("thumbnails").GetInt64());
        Assert.Equal(0, use.GetProperty("monthBytes").GetProperty("backups").GetInt64());
        Assert.Equal(1_750_000, use.GetProperty("sourceBytes").GetProperty("test.surface").GetInt64());
        var day = Assert.Single(use.GetProperty("days").EnumerateArray(), d => d.GetProperty("day").GetString() == today);
        Assert.Equal(1_500_000, day.GetProperty("bytes").GetProperty("clips").GetInt64());

        // The portal shows the same month beside the planner's estimate (Network > Data use).
        var page = await host.Client.GetStringAsync("/Network/DataUse");
        Assert.Contains("<tr data-category=\"clips\">", page, StringComparison.Ordinal);
        Assert.Contains("<td>1.5 MB</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>250.0 kB</td>", page, StringComparison.Ordinal);
        Assert.Contains($"<td>{today}</td>", page, StringComparison.Ordinal);
        Assert.Contains("id=\"datause-total\">1.8 MB<", page, StringComparison.Ordinal);

        // The estimate is the planner's for the same configuration: its defaults planned by POST /network/plan, lines mapped to categories.
        var defaults = await host.Client.GetStringAsync("/api/v1/network/plan/defaults");
        using var planned = await host.Client.PostAsync("/api/v1/network/plan", new StringContent(defaults, System.Text.Encoding.UTF8, "application/json"));
        var plan = await planned.Content.ReadFromJsonAsync<JsonElement>();
        double LinesMb(params string[] names) => plan.GetProperty("data").EnumerateArray()
            .Where(l => names.Contains(l.GetProperty("category").GetString())).Sum(l => l.GetProperty("mbPerDay").GetDouble());
        var estimate = use.GetProperty("estimate");
        var telemetry = LinesMb("Baseline cloud communication", "Alert transmission") * 1e6;
        Assert.True(telemetry > 0, "the planner's defaults include baseline communication");
        Assert.InRange(estimate.GetProperty("perDay").GetProperty("telemetry").GetInt64(), telemetry - 2000, telemetry + 2000);
        var thumbnails = LinesMb("Alert images", "Day / night images") * 1e6;
        Assert.InRange(estimate.GetProperty("perDay").GetProperty("thumbnails").GetInt64(), thumbnails - 2000, thumbnails + 2000);
        var days = DateTime.DaysInMonth(DateTime.UtcNow.Year, DateTime.UtcNow.Month);
        Assert.Equal(estimate.GetProperty("perDay").GetProperty("telemetry").GetInt64() * days, estimate.GetProperty("perMonth").GetProperty("telemetry").GetInt64());

        // Reported after the last read: written by the host's own flush (at most a second later), then the host is killed.
        using (var more = await ReportAsync(host, "backups", 4096))
        {
            Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        }

        await Eventually.UntilAsync(() => DatabaseTotal(host) == 1_754_096, "the last report written to the database", TimeSpan.FromSeconds(30));
        host.Kill();
        await host.StartAgainAsync();
        await host.LoginAsync();

        var after = await DataUseAsync(host, month);
        Assert.Equal(1_500_000, after.GetProperty("monthBytes").GetProperty("clips").GetInt64());
        Assert.Equal(4096, after.GetProperty("monthBytes").GetProperty("backups").GetInt64());
        Assert.Equal(1_754_096, after.GetProperty("monthTotal").GetInt64());

        // Another month: nothing recorded, the estimate still there for its length.
        var empty = await DataUseAsync(host, "2001-02");
        Assert.Empty(empty.GetProperty("days").EnumerateArray());
        Assert.Equal(0, empty.GetProperty("monthTotal").GetInt64());
        Assert.Equal(estimate.GetProperty("perDay").GetProperty("telemetry").GetInt64() * 28, empty.GetProperty("estimate").GetProperty("perMonth").GetProperty("telemetry").GetInt64());
    }

    [Fact]
    public async Task An_unknown_category_a_negative_count_and_a_bad_month_are_refused_and_nothing_is_counted()
    {
        await using var host = await StartAsync();

        using (var unknown = await ReportAsync(host, "videos", 10))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            var refused = (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refused").GetString();
            Assert.Contains("'videos' is not one of clips, thumbnails, backups, telemetry, other", refused);
        }

        using (var negative = await ReportAsync(host, "clips", -5))
        {
            Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
            Assert.Contains("-5", (await negative.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refused").GetString());
        }

        foreach (var month in new[] { "2026-13", "2026-1", "26-01", "garbage", "2026-01-01", new string('9', 5000), "2026-00" })
        {
            using var response = await host.Client.GetAsync($"/api/v1/datause?month={Uri.EscapeDataString(month)}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("is not a month as YYYY-MM", await response.Content.ReadAsStringAsync());
        }

        var use = await DataUseAsync(host, DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        Assert.Equal(0, use.GetProperty("monthTotal").GetInt64());
    }
}
