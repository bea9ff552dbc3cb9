using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Media.Plugin.Gpio;

/// <summary>Which GPIO driver runs: none, the simulated one (tests, demos: chosen explicitly, never as a fallback) or libgpiod.</summary>
public enum GpioDriverKind { None, Simulated, Libgpiod }

public sealed record GpioInputSettings(string Name, int Line, bool ActiveLow, int DebounceMs);

public sealed record GpioOutputSettings(string Name, int Line, bool ActiveLow);

/// <summary>The <c>gpio</c> section: driver, chip, named inputs and outputs.</summary>
public sealed record GpioSettings(GpioDriverKind Driver, int Chip, string Device, IReadOnlyList<GpioInputSettings> Inputs, IReadOnlyList<GpioOutputSettings> Outputs)
{
    public static GpioSettings Off { get; } = new(GpioDriverKind.None, 0, "gpio", [], []);

    public static Result<GpioSettings> From(JsonElement? section)
    {
        if (section is not { ValueKind: JsonValueKind.Object } s) return Off;
        var driver = (s.TryGetProperty("driver", out var d) ? d.GetString() : "none") switch
        {
            "none" => GpioDriverKind.None,
            "simulated" => GpioDriverKind.Simulated,
            "libgpiod" => GpioDriverKind.Libgpiod,
            var other => throw new FormatException($"gpio.driver: '{other}' is not none, simulated or libgpiod"),
        };
        var chip = s.TryGetProperty("chip", out var c) ? c.GetInt32() : 0;
        var device = s.TryGetProperty("device", out var dev) ? dev.GetString() ?? "gpio" : "gpio";
        var inputs = new List<GpioInputSettings>();
        var outputs = new List<GpioOutputSettings>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var lines = new HashSet<int>();
        if (s.TryGetProperty("inputs", out var ins))
            foreach (var (e, i) in ins.EnumerateArray().Select((e, i) => (e, i)))
            {
                var (name, line) = NameAndLine(e, $"gpio.inputs[{i}]", names, lines);
                var debounce = e.TryGetProperty("debounceMs", out var db) ? db.GetInt32() : 50;
                if (debounce is < 0 or > 60_000) return Result<GpioSettings>.Fail("invalid-config", $"gpio.inputs[{i}].debounceMs: {debounce} is outside 0..60000");
                inputs.Add(new GpioInputSettings(name, line, ActiveLow(e), debounce));
            }
        if (s.TryGetProperty("outputs", out var outs))
            foreach (var (e, i) in outs.EnumerateArray().Select((e, i) => (e, i)))
            {
                var (name, line) = NameAndLine(e, $"gpio.outputs[{i}]", names, lines);
                outputs.Add(new GpioOutputSettings(name, line, ActiveLow(e)));
            }
        return new GpioSettings(driver, chip, device, inputs, outputs);
    }

    private static bool ActiveLow(JsonElement e) => e.TryGetProperty("activeLow", out var a) && a.GetBoolean();

    private static (string Name, int Line) NameAndLine(JsonElement e, string path, HashSet<string> names, HashSet<int> lines)
    {
        var name = e.TryGetProperty("name", out var n) ? n.GetString() : null;
        if (string.IsNullOrWhiteSpace(name)) throw new FormatException($"{path}.name is missing");
        if (!names.Add(name)) throw new FormatException($"{path}.name: '{name}' is used twice");
        var line = e.TryGetProperty("line", out var l) ? l.GetInt32() : -1;
        if (line is < 0 or > 1023) throw new FormatException($"{path}.line: {line} is outside 0..1023");
        if (!lines.Add(line)) throw new FormatException($"{path}.line: {line} is used twice");
        return (name, line);
    }
}
