using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appliance.Network.Tests.Support;

namespace Appliance.Network.Tests.Api;

/// <summary>
/// <c>POST /api/v1/network/plan</c> and <c>GET /plan/defaults</c> on the real host: the OpenEye page's example input
/// gives the page's figures within 10 %, and bad input is refused with 400 and every error with its path.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class PlanApiTests(NetworkHostFixture fixture)
{
    private const double Tolerance = 0.10;

    public static string OpenEyeExample => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "openeye-example.json"));

    [Fact]
    public async Task OpenEyeExample_ReproducesThePagesTables()
    {
        var plan = await PlanAsync(OpenEyeExample, HttpStatusCode.OK);

        // "Bandwidth Requirements": Live & Search SD / HD playback by channel count (one viewer each).
        var expected = new Dictionary<(string, int), double>
        {
            [("sd", 1)] = 800,
            [("sd", 4)] = 3_000,
            [("sd", 9)] = 7_000,
            [("sd", 16)] = 13_000,
            [("hd", 1)] = 4_000,
            [("hd", 4)] = 16_000,
            [("hd", 9)] = 36_000,
            [("hd", 16)] = 64_000,
        };
        var viewing = plan.GetProperty("viewing").EnumerateArray().ToList();
        Assert.Equal(expected.Count, viewing.Count);
        foreach (var v in viewing)
        {
            var key = (v.GetProperty("stream").GetString()!, v.GetProperty("gridSize").GetInt32());
            AssertWithin(expected[key], v.GetProperty("kbps").GetDouble(), $"{key.Item2}-channel {key.Item1}");
        }

        // "Recorder Data Usage" (per 30 days and per day) and "Export 20 mins. to OWS per month".
        var data = plan.GetProperty("data").EnumerateArray().ToDictionary(l => l.GetProperty("category").GetString()!);
        (string Category, double Month, double Day)[] table =
        [
            ("Baseline cloud communication", 1350, 45),
            ("Configuration file backup", 0.24, 0.008),
            ("Alert transmission", 0.99, 0.033),
            ("Alert images", 45, 1.5),
            ("Day / night images", 1440, 48),
        ];
        foreach (var (category, month, day) in table)
        {
            AssertWithin(month, data[category].GetProperty("mbPer30Days").GetDouble(), category);
            AssertWithin(day, data[category].GetProperty("mbPerDay").GetDouble(), category + " per day");
        }
        AssertWithin(2836.23, table.Sum(t => data[t.Category].GetProperty("mbPer30Days").GetDouble()), "estimated total with all options");
        AssertWithin(984, data["Export: 20 Minute Incident Review (4MP to OWS)"].GetProperty("mbPer30Days").GetDouble(), "4MP export");
        AssertWithin(306, data["Export: 20 Minute Incident Backup (2MP to OWS)"].GetProperty("mbPer30Days").GetDouble(), "2MP export");

        // Everything watched at once is far beyond the recommended 5 Mbps, with HD in use: the page's advice.
        Assert.True(plan.GetProperty("peakUploadKbps").GetDouble() > 5000);
        Assert.Equal(5000, plan.GetProperty("recommendedUploadKbps").GetDouble());
        var advice = plan.GetProperty("advice").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Contains(advice, a => a.Contains("SD streams", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Defaults_AreBuiltFromTheConfiguredCameras_AndPlanAsIs()
    {
        using var response = await fixture.Host.Client.GetAsync("/api/v1/network/plan/defaults");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var input = JsonDocument.Parse(text).RootElement;
        var camera = Assert.Single(input.GetProperty("cameras").EnumerateArray());
        Assert.Equal(NetworkHostFixture.CameraName, camera.GetProperty("name").GetString());
        // No ingest plugin runs here, so nothing is measured: OpenEye's typical 4MP HD at 4,000 kbps and an estimated D1 SD.
        Assert.Equal(4000, camera.GetProperty("hd").GetProperty("bitrateKbps").GetDouble());
        Assert.Equal(720, camera.GetProperty("sd").GetProperty("width").GetInt32());
        Assert.Equal(JsonValueKind.Null, camera.GetProperty("sd").GetProperty("bitrateKbps").ValueKind);
        Assert.Equal(2.0, input.GetProperty("data").GetProperty("dayNightImagesPerCameraPerDay").GetDouble());

        var plan = await PlanAsync(text, HttpStatusCode.OK);
        var single = Assert.Single(plan.GetProperty("viewing").EnumerateArray());
        Assert.Equal("hd", single.GetProperty("stream").GetString());
        Assert.Equal(4000, single.GetProperty("kbps").GetDouble());
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "{\"cameras\": [", ["the plan input is not valid JSON"] },
        { "{\"cameras\": [] } trailing", ["the plan input is not valid JSON"] },
        { "[1, 2]", ["expected an object, got an array"] },
        { "{}", ["cameras: required field is missing"] },
        { "{\"cameras\": \"all of them\"}", ["cameras: expected an array, got a string"] },
        {
            """{"cameras": [{"name": 7, "hd": {"width": "1920", "height": 1080.5, "fps": true, "gop": null}, "sd": []}]}""",
            ["cameras[0].name: expected a string, got a number", "cameras[0].hd.width: expected a whole number, got a string",
             "cameras[0].hd.height: 1080.5 is not a whole number in range", "cameras[0].hd.fps: expected a number, got a boolean",
             "cameras[0].hd.gop: expected a whole number, got null", "cameras[0].sd: expected an object, got an array"]
        },
        {
            """
            {"cameras": [{"hd": {"width": -1920, "height": 1080, "fps": -15, "gop": 30, "bitrateKbps": -4000}, "sd": {"width": 720, "height": 480, "fps": 15, "gop": 0, "codec": "vp9"}}],
            "viewing": [{"viewers": -1, "gridSize": 4, "hoursPerDay": -2}], "data": {"imageMb": -1.5}, "exports": [{"minutesPerMonth": -20, "profile": {"width": 1920, "height": 1080, "fps": 15, "gop": 30}}],
            "availableUploadKbps": -5}
            """,
            ["cameras[0].sd.codec: \"vp9\" is not a codec (h264, h265, mjpeg)", "cameras[0].hd.width: -1920 is not between 16 and 16384",
             "cameras[0].hd.fps: -15 is not between 0.1 and 240", "cameras[0].hd.bitrateKbps: -4000 is not between 0 and 1000000",
             "cameras[0].sd.gop: 0 is not between 1 and 10000", "viewing[0].viewers: -1 is not between 0 and 10000",
             "viewing[0].hoursPerDay: -2 is not between 0 and 24", "data.imageMb: -1.5 must be a finite number >= 0",
             "exports[0].minutesPerMonth: -20 must be a finite number >= 0", "availableUploadKbps: -5 must be > 0"]
        },
        { """{"cameras": [], "camera": [], "cameras": [1]}""", ["camera: unknown field", "cameras: appears more than once"] },
        { """{"cameras": [], "availableUploadKbps": 1e999}""", ["availableUploadKbps: 1e999 is not a finite number"] },
        { "{\"cameras\": [], \"data\": " + new string('[', 40) + new string(']', 40) + "}", ["not valid JSON (or is nested deeper than 16 levels)"] },
        { """{"cameras": [{"name": "bad\u0000name", "hd": {"width": 1920, "height": 1080, "fps": 15, "gop": 30}, "sd": {"width": 720, "height": 480, "fps": 15, "gop": 30}}]}""", ["cameras[0].name: \"bad\\u0000name\" contains a control character"] },
        { """{"cameras": [{"name": "\ud800", "hd": {"width": 1920, "height": 1080, "fps": 15, "gop": 30}, "sd": {"width": 720, "height": 480, "fps": 15, "gop": 30}}]}""", ["cameras[0].name: is not valid UTF-16"] },
        { "{\"cameras\": [" + string.Join(",", Enumerable.Repeat("{}", 513)) + "]}", ["cameras: has 513 items; the limit is 512"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_Is400_WithEveryErrorAndItsPath(string body, string[] expected)
    {
        var problem = await PlanAsync(body, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        foreach (var error in expected)
            Assert.True(errors.Any(e => e.Contains(error, StringComparison.Ordinal)), $"missing '{error}' in:\n{string.Join("\n", errors)}");
        Assert.Equal(string.Join("; ", errors), problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OversizedEmptyAndNonUtf8Bodies_Are400()
    {
        var oversized = "{\"cameras\": [], \"pad\": \"" + new string('x', 300 * 1024) + "\"}";
        Assert.Contains("body: ", await FirstErrorAsync(Encoding.UTF8.GetBytes(oversized)));
        Assert.Contains("the limit is 262144", await FirstErrorAsync(Encoding.UTF8.GetBytes(oversized)));
        Assert.StartsWith("body: empty", await FirstErrorAsync([]));
        Assert.Equal("body: not valid UTF-8", await FirstErrorAsync([(byte)'{', 0xC3, 0x28, (byte)'}']));

        // Still answering normally afterwards.
        await PlanAsync(OpenEyeExample, HttpStatusCode.OK);
    }

    private async Task<string> FirstErrorAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // Expect: 100-continue, so an oversized body refused by its Content-Length is never half sent (a client that
        // sends it regardless can be reset before it reads the 400).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/network/plan") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await fixture.Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetString()!;
    }

    private async Task<JsonElement> PlanAsync(string json, HttpStatusCode expected)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await fixture.Host.Client.PostAsync("/api/v1/network/plan", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static void AssertWithin(double expected, double actual, string what)
        => Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected),
            $"{what}: expected {expected} within 10 %, got {actual:0.###}");
}
