using Appliance.Core.Network;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using static Appliance.Core.Network.Bandwidth;

namespace Appliance.Network.Tests.Bandwidth;

/// <summary>The planner's JSON (F# core, pure): defaults, round trip, optional fields, limits.</summary>
public sealed class BandwidthJsonTests
{
    private static FSharpOption<T> Some<T>(T value) => FSharpOption<T>.Some(value);

    private static BandwidthDefaults.CameraObservation Observed(string name, double? fps = null, double? kbps = null, int? gop = null,
        Codec? codec = null, int? width = null, int? height = null) => new(
        name,
        width is { } w ? Some(w) : FSharpOption<int>.None,
        height is { } h ? Some(h) : FSharpOption<int>.None,
        fps is { } f ? Some(f) : FSharpOption<double>.None,
        kbps is { } k ? Some(k) : FSharpOption<double>.None,
        gop is { } g ? Some(g) : FSharpOption<int>.None,
        codec is { } c ? Some(c) : FSharpOption<Codec>.None);

    [Fact]
    public void Defaults_UseWhatIsMeasured_AndATypicalCameraForTheRest()
    {
        var input = BandwidthDefaults.defaultInput(512, ListModule.OfSeq(new[]
        {
            Observed("porch", fps: 25, kbps: 2000, gop: BandwidthDefaults.gopOfInterval(Some(25.0), Some(2.0))!.Value, codec: BandwidthDefaults.codecOfName("H.265")!.Value),
            Observed("yard"),
            Observed("odd", fps: 1000, kbps: -1, gop: 0, width: 1280, height: 720),
        }));
        var cameras = input.Cameras.ToList();
        Assert.Equal(new StreamProfile(2688, 1520, 25, 50, Codec.H265, Bitrate.NewExplicit(2000)), cameras[0].Hd);
        // SD at 15 fps keeps HD's 2 s between key frames: GOP 30, not HD's 50 (issue 15 item 8).
        Assert.Equal(new StreamProfile(720, 480, 15, 30, Codec.H265, Bitrate.Estimated), cameras[0].Sd);
        Assert.Equal(BandwidthDefaults.typicalHd, cameras[1].Hd);
        Assert.Equal(BandwidthDefaults.typicalSd, cameras[1].Sd);
        // Out-of-range measurements are ignored; a known resolution without a bitrate is estimated, not the typical 4,000 kbps.
        Assert.Equal(new StreamProfile(1280, 720, 15, 30, Codec.H264, Bitrate.Estimated), cameras[2].Hd);

        Assert.Equal(new[] { 1, 4 }, input.Viewing.Select(v => v.GridSize));
        Assert.Equal(BandwidthDefaults.typicalData, input.Data);
        Assert.Equal(BandwidthDefaults.typicalExport, Assert.Single(input.Exports));
        Assert.True(plan(input).IsOk);
    }

    [Fact]
    public void PlanText_WritesHdAndSdInCapitals_AndNamesNoOtherVendor()
    {
        var input = BandwidthDefaults.defaultInput(512, ListModule.OfSeq(new[] { Observed("a"), Observed("b") }));
        var text = BandwidthJson.writePlan(plan(input).ResultValue);
        Assert.Contains("grid (SD)", text);
        Assert.Contains("grid (HD)", text);
        Assert.DoesNotContain("(Hd)", text);
        Assert.DoesNotContain("(Sd)", text);
        Assert.DoesNotContain("OpenEye", text + BandwidthJson.writeInput(input));
    }

    [Theory]
    [InlineData("H264", "H264")]
    [InlineData("avc1", "H264")]
    [InlineData("HEVC", "H265")]
    [InlineData("h-265", "H265")]
    [InlineData("MJPEG", "Mjpeg")]
    [InlineData("", null)]
    [InlineData("vp8", null)]
    public void CodecNames_AsIngestPluginsReportThem(string name, string? expected)
    {
        var codec = BandwidthDefaults.codecOfName(name);
        Assert.Equal(expected, codec is null ? null : codec.Value.ToString());
    }

    [Fact]
    public void Gop_FromKeyframeInterval_OnlyWhenBothAreKnownAndSane()
    {
        Assert.Equal(50, BandwidthDefaults.gopOfInterval(Some(25.0), Some(2.0))!.Value);
        Assert.Equal(1, BandwidthDefaults.gopOfInterval(Some(25.0), Some(0.01))!.Value);
        Assert.Null(BandwidthDefaults.gopOfInterval(FSharpOption<double>.None, Some(2.0)));
        Assert.Null(BandwidthDefaults.gopOfInterval(Some(25.0), Some(double.PositiveInfinity)));
        Assert.Null(BandwidthDefaults.gopOfInterval(Some(25.0), Some(-1.0)));
    }

    [Fact]
    public void CameraNames_AreMadeUsable_NeverEmptyNeverControlCharacters()
    {
        Assert.Equal("camera 3", BandwidthDefaults.planName(2, "  \t "));
        Assert.Equal("a b", BandwidthDefaults.planName(0, "a\u0000b"));
        Assert.Equal(100, BandwidthDefaults.planName(0, new string('x', 150)).Length);
        Assert.Equal(99, BandwidthDefaults.planName(0, new string('x', 99) + "😀😀").Length);
    }

    [Fact]
    public void WriteInput_ThenParse_GivesTheSameInput()
    {
        var input = BandwidthDefaults.defaultInput(512, ListModule.OfSeq(new[]
        {
            Observed("Entrée \"north\" <cam>", fps: 12.5, kbps: 1234.5, gop: 25, codec: Codec.Mjpeg),
            Observed("yard"),
        }));
        input = new SitePlanInput(input.Cameras, input.Viewing, input.Data, input.Exports, Some(2500.0));
        var json = BandwidthJson.writeInput(input);
        var parsed = BandwidthJson.parse(json);
        Assert.True(parsed.IsOk, parsed.IsError ? string.Join("; ", parsed.ErrorValue) : "");
        Assert.Equal(input, parsed.ResultValue);
    }

    [Fact]
    public void OptionalFields_TakeTheirDocumentedDefaults()
    {
        var parsed = BandwidthJson.parse("""
            {"cameras": [{"hd": {"width": 1920, "height": 1080, "fps": 30, "gop": 60}, "sd": {"width": 640, "height": 360, "fps": 15, "gop": 30, "codec": "H265", "bitrateKbps": null}}]}
            """);
        Assert.True(parsed.IsOk, parsed.IsError ? string.Join("; ", parsed.ErrorValue) : "");
        var input = parsed.ResultValue;
        var camera = Assert.Single(input.Cameras);
        Assert.Equal("camera 1", camera.Name);
        Assert.Equal(new StreamProfile(1920, 1080, 30, 60, Codec.H264, Bitrate.Estimated), camera.Hd);
        Assert.Equal(Codec.H265, camera.Sd.Codec);
        Assert.Empty(input.Viewing);
        Assert.Empty(input.Exports);
        Assert.Equal(BandwidthDefaults.typicalData, input.Data);
        Assert.Null(input.AvailableUploadKbps);
    }

    [Fact]
    public void EmptyAndOversizedText_AreRefusedBeforeParsing()
    {
        Assert.Equal(["the plan input is empty; expected a JSON object"], BandwidthJson.parse("").ErrorValue);
        var big = "{\"cameras\": []," + new string(' ', BandwidthJson.maxJsonLength) + "}";
        Assert.Equal([$"the plan input is {big.Length} characters long; the limit is {BandwidthJson.maxJsonLength}"], BandwidthJson.parse(big).ErrorValue);
    }

    [Fact]
    public void AnInputWithReadingErrors_StillReportsTheRangeErrorsOfTheRest_AndIsNeverPlanned()
    {
        var result = BandwidthJson.planJson("""
            {"cameras": [{"hd": {"width": "wide", "height": 1080, "fps": 15, "gop": 30}, "sd": {"width": 720, "height": 480, "fps": 500, "gop": 30}}]}
            """);
        Assert.True(result.IsError);
        Assert.Equal(["cameras[0].hd.width: expected a whole number, got a string", "cameras[0].sd.fps: 500 is not between 0.1 and 240"], result.ErrorValue);
    }

    [Fact]
    public void WritePlan_GivesTheFiguresRounded_WithStreamAndAdvice()
    {
        var input = BandwidthDefaults.defaultInput(512, ListModule.OfSeq(new[] { Observed("a"), Observed("b") }));
        var json = System.Text.Json.JsonDocument.Parse(BandwidthJson.writePlan(plan(input).ResultValue)).RootElement;
        Assert.Equal(["peakUploadKbps", "recommendedUploadKbps", "viewing", "data", "totalMbPer30Days", "averageMbPerDay", "advice"],
            json.EnumerateObject().Select(p => p.Name));
        var viewing = json.GetProperty("viewing").EnumerateArray().ToList();
        Assert.Equal(["hd", "sd"], viewing.Select(v => v.GetProperty("stream").GetString()));
        Assert.Equal(4000, viewing[0].GetProperty("kbps").GetDouble());
        Assert.All(json.GetProperty("data").EnumerateArray(), l =>
            Assert.Equal(Math.Round(l.GetProperty("mbPerDay").GetDouble(), 3), l.GetProperty("mbPerDay").GetDouble()));
    }
}
