namespace Appliance.Image.Tests;

/// <summary>
/// The boot test's GPIO bench (rootfs/usr/lib/appliance/gpio-sim-bench run) on a stand-in of the simulator's sysfs
/// files and a stand-in <c>sleep</c> that returns at once and, like the media plugin driving its output, writes the
/// output line's value at given ticks: the bench flips the input's pull on its schedule and prints each change of the
/// output once. (The real chip, module and libgpiod: image/boot-test-gpio.sh in the booted image.)
/// </summary>
public sealed class GpioSimBenchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gpio-sim-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string Script = Path.Combine(ImageFiles.RootFs, "usr", "lib", "appliance", "gpio-sim-bench");

    private string Sys => Path.Combine(_dir, "sys");

    private string LineFile(int line, string name) => Path.Combine(Sys, "devices", "platform", "gpio-sim.0", "gpiochip3", $"sim_gpio{line}", name);

    /// <summary>configfs (dev_name, chip_name) and lines 0..7 with pull-down and value 0, as the simulator starts them.</summary>
    private void StandInChip()
    {
        var sim = Directory.CreateDirectory(Path.Combine(Sys, "kernel", "config", "gpio-sim", "appliance-bench", "bank0")).FullName;
        File.WriteAllText(Path.Combine(sim, "chip_name"), "gpiochip3\n");
        File.WriteAllText(Path.Combine(sim, "..", "dev_name"), "gpio-sim.0\n");
        for (var line = 0; line < 8; line++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(LineFile(line, "pull"))!);
            File.WriteAllText(LineFile(line, "pull"), "pull-down\n");
            File.WriteAllText(LineFile(line, "value"), "0\n");
        }
    }

    // sleep: counts its calls; on tick 2 the output line goes to 1, on tick 4 back to 0 (what the plugin would drive).
    private const string Sleep = """
        #!/bin/sh
        f=$STANDIN_STATE/ticks; n=$(( $(cat "$f" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$f"
        case "$n" in 2) echo 1 > "$OUTPUT_VALUE" ;; 4) echo 0 > "$OUTPUT_VALUE" ;; esac
        """;

    private (int Code, string[] Lines, string Err) Run()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "sleep"), Sleep + "\n");
        File.SetUnixFileMode(Path.Combine(bin, "sleep"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (code, stdout, stderr) = ImageFiles.Run("sh", [Script, "run"], env: new Dictionary<string, string>
        {
            ["PATH"] = bin + ":/usr/bin:/bin",
            ["STANDIN_STATE"] = _dir,
            ["OUTPUT_VALUE"] = LineFile(5, "value"),
            ["GPIO_SIM_SYSFS"] = Sys,
            ["GPIO_SIM_SECONDS"] = "6",
            ["GPIO_SIM_TOGGLE_EVERY"] = "2",
        });
        return (code, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr);
    }

    [Fact]
    public void Flips_the_input_pull_on_its_schedule_and_prints_each_output_change_once()
    {
        StandInChip();
        var (code, lines, err) = Run();
        Assert.True(code == 0, err + string.Join("\n", lines));
        // Six ticks, a flip every two: up at 0, down at 2, up at 4 (the value is the stand-in's, which no kernel moves).
        Assert.Equal(
            ["(pull-up)", "(pull-down)", "(pull-up)"],
            lines.Where(l => l.StartsWith("gpio: input line 2 = ", StringComparison.Ordinal)).Select(l => l.Split(' ')[^1]));
        Assert.Equal("pull-up", File.ReadAllText(LineFile(2, "pull")).Trim());
        Assert.Equal(
            ["gpio: output line 5 = 0", "gpio: output line 5 = 1", "gpio: output line 5 = 0"],
            lines.Where(l => l.StartsWith("gpio: output line ", StringComparison.Ordinal)));
        Assert.Equal("gpio: bench done after 6 s", lines[^1]);
        // Only the input line's pull was touched.
        Assert.All(new[] { 0, 1, 3, 4, 5, 6, 7 }, line => Assert.Equal("pull-down", File.ReadAllText(LineFile(line, "pull")).Trim()));
    }

    [Fact]
    public void Without_the_chip_lines_it_says_so_and_fails()
    {
        StandInChip();
        Directory.Delete(Path.GetDirectoryName(LineFile(5, "value"))!, true);
        var (code, lines, _) = Run();
        Assert.Equal(1, code);
        Assert.Equal($"gpio: error: no lines under {Path.Combine(Sys, "devices", "platform", "gpio-sim.0", "gpiochip3")}", Assert.Single(lines));
    }

    [Fact]
    public void Without_a_command_it_prints_its_usage()
    {
        var (code, _, err) = ImageFiles.Run("sh", [Script]);
        Assert.Equal(2, code);
        Assert.Contains("usage: gpio-sim-bench setup|run", err, StringComparison.Ordinal);
    }
}
