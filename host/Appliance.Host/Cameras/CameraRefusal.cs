using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>
/// How <see cref="CameraStore"/> says no, in the project's <see cref="Result{T}"/>: the failure code
/// <see cref="NotFound"/> (the API answers 404) or <see cref="InvalidCode"/> (400) with every validation reason,
/// one per line of the message, so each reason can still be shown on its own.
/// </summary>
public static class CameraRefusal
{
    public const string NotFound = "not-found";

    public const string InvalidCode = "invalid";

    public static Failure Invalid(IReadOnlyList<string> reasons) => new(InvalidCode, string.Join('\n', reasons));

    /// <summary>The reasons of a refusal, in the order they were found.</summary>
    public static IReadOnlyList<string> Reasons(Failure failure) => failure.Message.Split('\n');
}
