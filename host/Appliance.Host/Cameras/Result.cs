namespace Appliance.Host.Cameras;

/// <summary>The outcome of a command the user gave: a value, or the reasons it was refused.</summary>
public sealed record Result<T>(T? Value, IReadOnlyList<string> Errors, bool IsNotFound)
{
    public bool IsOk => Errors.Count == 0;

    public static Result<T> Ok(T value) => new(value, [], false);

    public static Result<T> Fail(IReadOnlyList<string> errors) => new(default, errors, false);

    public static Result<T> NotFound(string error) => new(default, [error], true);
}
