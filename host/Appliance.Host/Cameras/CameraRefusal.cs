using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>
/// How <see cref="CameraStore"/> says no, in the project's <see cref="Result{T}"/>: the failure code
/// <see cref="NotFound"/> (the API answers 404) or <see cref="Failure.Invalid"/> (400) with every validation
/// reason, each still shown on its own through <see cref="Failure.Errors"/>.
/// </summary>
public static class CameraRefusal
{
    public const string NotFound = "not-found";
}
