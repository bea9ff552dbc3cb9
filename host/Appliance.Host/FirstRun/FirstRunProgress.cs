using System.Text.Json;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.FirstRun;

/// <summary>What became of one first-run step: done or skipped, and when.</summary>
public sealed record StepOutcome(string State, DateTimeOffset At);

/// <summary>
/// The first-run steps after the administrator is created (time, network, discovery, first camera) and what
/// became of each, kept in <c>first-run.json</c> in the data folder: a step can be done, skipped, and revisited
/// from the System page at any time. A damaged file reads as "nothing done yet" (the steps are only guidance).
/// </summary>
public sealed class FirstRunProgress(IOptions<ApplianceOptions> options, TimeProvider time)
{
    public const string Done = "done";
    public const string Skipped = "skipped";

    /// <summary>The steps in order, with their titles.</summary>
    public static readonly IReadOnlyList<(string Id, string Title)> Steps =
    [
        ("time", "Time zone and network time"),
        ("network", "Network"),
        ("discovery", "Camera discovery"),
        ("camera", "First camera"),
    ];

    private readonly object _gate = new();

    private string FilePath => Path.Combine(options.Value.DataPath(), "first-run.json");

    public IReadOnlyDictionary<string, StepOutcome> Outcomes()
    {
        lock (_gate) return Read();
    }

    /// <summary>Steps neither done nor skipped, in order.</summary>
    public IReadOnlyList<string> Open()
    {
        var outcomes = Outcomes();
        return Steps.Select(s => s.Id).Where(id => !outcomes.ContainsKey(id)).ToList();
    }

    public void Record(string step, string state)
    {
        if (!Steps.Any(s => s.Id == step)) throw new ArgumentException($"unknown first-run step '{step}'", nameof(step));
        if (state is not (Done or Skipped)) throw new ArgumentException($"unknown outcome '{state}'", nameof(state));
        lock (_gate)
        {
            var outcomes = new Dictionary<string, StepOutcome>(Read()) { [step] = new StepOutcome(state, time.GetUtcNow()) };
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            var temporary = FilePath + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(outcomes));
            File.Move(temporary, FilePath, overwrite: true);
        }
    }

    private Dictionary<string, StepOutcome> Read()
    {
        try
        {
            if (!File.Exists(FilePath)) return [];
            var read = JsonSerializer.Deserialize<Dictionary<string, StepOutcome>>(File.ReadAllText(FilePath)) ?? [];
            return read.Where(kv => Steps.Any(s => s.Id == kv.Key) && kv.Value is { State: Done or Skipped }).ToDictionary();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return [];
        }
    }
}
