using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.Plugins.Media.Plugin.Gpio;

/// <summary>How long an output pulse may last: the one rule the manual route and rule actions share.</summary>
internal static class PulseLength
{
    public const int MinMs = 1;
    public const int MaxMs = 3_600_000;

    /// <summary>Why a pulse length was refused.</summary>
    public static Failure OutOfRange { get; } = new("invalid-pulse", $"pulseMs must be {MinMs}..{MaxMs}");

    /// <summary>The pulse of <paramref name="milliseconds"/>, or <c>invalid-pulse</c> outside <see cref="MinMs"/>..<see cref="MaxMs"/>.</summary>
    public static Result<TimeSpan> FromMilliseconds(int milliseconds) =>
        milliseconds is < MinMs or > MaxMs ? OutOfRange : TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>The pulse written as decimal milliseconds (a rule action's <c>pulseMs</c> parameter); <c>invalid-pulse</c> otherwise.</summary>
    public static Result<TimeSpan> Parse(string? milliseconds) =>
        int.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? FromMilliseconds(ms)
            : new Failure(OutOfRange.Code, $"{OutOfRange.Message} (got '{Shorten(milliseconds)}')");

    private static string Shorten(string? text) => text is null ? "nothing" : text.Length <= 20 ? text : text[..20] + "...";
}
