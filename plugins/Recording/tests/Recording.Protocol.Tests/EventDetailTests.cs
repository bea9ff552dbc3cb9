using Xunit;
using System.Text.Json;
using Appliance.Plugins.Recording.Protocol.Timeline;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>The text beside a timeline marker, from whatever an event's payload holds (it comes from any plugin).</summary>
public sealed class EventDetailTests
{
    private static string Of(string json) => EventDetail.Describe(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Scalars_are_named_in_order_without_the_camera_and_nested_values_are_left_out()
    {
        Assert.Equal("register: lane1, cashier: Ann, total: 12.50, voids: 1, noSale: no",
            Of("""{ "cameraId": "lobby", "register": "lane1", "cashier": "Ann", "total": 12.50, "voids": 1, "noSale": false, "items": [1, 2], "meta": { "x": 1 }, "blank": " ", "none": null }"""));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{}")]
    [InlineData("""{ "cameraId": "lobby" }""")]
    public void Payloads_without_scalars_give_no_text(string json) => Assert.Equal("", Of(json));

    [Fact]
    public void Hostile_text_is_flattened_and_cut()
    {
        var line = Of($$"""{ "text": "VOID\r\n\u001b[2J{{new string('x', 500)}}", "other": "kept?" }""");
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\u001b', line);
        Assert.StartsWith("text: VOID", line);
        Assert.Contains("…", line);
        Assert.True(line.Length <= EventDetail.MaxText, line.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var many = Of("{" + string.Join(",", Enumerable.Range(0, 200).Select(i => $"\"field{i}\": \"value {i}\"")) + "}");
        Assert.True(many.Length <= EventDetail.MaxText + 3, many.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("…", many);
    }
}
