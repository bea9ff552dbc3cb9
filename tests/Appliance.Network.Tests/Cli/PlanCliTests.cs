using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Network.Tests.Api;
using Appliance.Network.Tests.Support;

namespace Appliance.Network.Tests.Cli;

/// <summary><c>appliancectl network plan [--input file] [--print-input]</c> against the real host.</summary>
[Collection(NetworkCollection.Name)]
public sealed class PlanCliTests(NetworkHostFixture fixture)
{
    [Fact]
    public async Task Plan_WithoutInput_UsesTheAppliancesCameras()
    {
        var input = JsonDocument.Parse((await fixture.Cli.ExpectAsync(0, "network", "plan", "--print-input")).Stdout).RootElement;
        Assert.Equal(NetworkHostFixture.CameraName, Assert.Single(input.GetProperty("cameras").EnumerateArray()).GetProperty("name").GetString());

        var plan = (await fixture.Cli.ExpectAsync(0, "network", "plan")).Stdout;
        Assert.Matches(@"(?m)^peak upload\s+4\.01 Mbps \(recommended site upload: 5\.0 Mbps\)$", plan);
        Assert.Matches(@"(?m)^1\s+1\s+HD \(auto\)\s+1\s+4\.0 Mbps\s+4\.0 Mbps$", plan);
        Assert.Matches(@"(?m)^Baseline cloud communication\s+1350\s+45$", plan);
        Assert.DoesNotContain("advice:", plan);
    }

    [Fact]
    public async Task Plan_WithTheOpenEyeInputFile_PrintsThePagesDataTable_AndTheAdvice()
    {
        var file = Path.Combine(fixture.Work, "openeye.json");
        await File.WriteAllTextAsync(file, PlanApiTests.OpenEyeExample);
        var plan = (await fixture.Cli.ExpectAsync(0, "network", "plan", "--input", file)).Stdout;
        Assert.Matches(@"(?m)^Day / night images\s+1440\s+48$", plan);
        Assert.Matches(@"(?m)^Alert images\s+45\s+1\.5$", plan);
        Assert.Matches(@"(?m)^Export: 20 Minute Incident Review \(4MP to OWS\)\s+984\s+32\.8$", plan);
        Assert.Matches(@"(?m)^1\s+16\s+HD\s+1\s+64\.0 Mbps\s+64\.0 Mbps$", plan);
        Assert.Contains("advice: Remote viewers should use SD streams over the WAN", plan);

        var json = JsonDocument.Parse((await fixture.Cli.ExpectAsync(0, "network", "plan", "--input", file, "--json")).Stdout).RootElement;
        Assert.Equal(8, json.GetProperty("viewing").GetArrayLength());
    }

    [Fact]
    public async Task Plan_BadInputFiles_FailWithThePathOrTheReason()
    {
        var bad = Path.Combine(fixture.Work, "bad.json");
        await File.WriteAllTextAsync(bad, """{"cameras": [{"hd": {"width": 1920, "height": 1080, "fps": -1, "gop": 30}, "sd": "small"}]}""");
        var refused = await fixture.Cli.ExpectAsync(1, "network", "plan", "--input", bad);
        Assert.Contains("400 cameras[0].sd: expected an object, got a string; cameras[0].hd.fps: -1 is not between 0.1 and 240", refused.Stderr);

        var missing = await fixture.Cli.ExpectAsync(1, "network", "plan", "--input", Path.Combine(fixture.Work, "nothing.json"));
        Assert.Matches(new Regex(@"--input: .*nothing\.json does not exist"), missing.Stderr);

        var binary = Path.Combine(fixture.Work, "binary.json");
        await File.WriteAllBytesAsync(binary, [0x7B, 0xFF, 0xFE, 0x7D]);
        Assert.Contains("is not UTF-8 text", (await fixture.Cli.ExpectAsync(1, "network", "plan", "--input", binary)).Stderr);

        var huge = Path.Combine(fixture.Work, "huge.json");
        await File.WriteAllTextAsync(huge, new string(' ', 300 * 1024));
        Assert.Contains("is larger than 256 KiB", (await fixture.Cli.ExpectAsync(1, "network", "plan", "--input", huge)).Stderr);
    }
}
