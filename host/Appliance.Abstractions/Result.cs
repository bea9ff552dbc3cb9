namespace Appliance.Abstractions;

/// <summary>
/// Why an expected operation did not succeed: a short stable <see cref="Code"/> a caller can branch on
/// (e.g. <c>malformed</c>, <c>too-large</c>, <c>not-found</c>, <c>unauthorized</c>, <c>transport</c>) and a
/// <see cref="Message"/> meant for people, logs and health reports.
/// A validator that finds several errors fails once with all of them: <see cref="Invalid"/> (code
/// <see cref="InvalidCode"/>, one error per line of the message), read back one by one with <see cref="Errors"/>.
/// </summary>
public sealed record Failure(string Code, string Message)
{
    /// <summary>The code of a failure that carries every validation error (<see cref="Invalid"/>).</summary>
    public const string InvalidCode = "invalid";

    /// <summary>The failure of a validator that found <paramref name="errors"/> (each naming its culprit, e.g. with a path).</summary>
    public static Failure Invalid(IEnumerable<string> errors) => new(InvalidCode, string.Join('\n', errors));

    /// <summary>The errors this failure carries, in the order they were found: one per line of the message.</summary>
    public IReadOnlyList<string> Errors => Message.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>
/// The one C# result type of the project: a value, or a <see cref="Failure"/>. Parsers and validators of
/// external input return it instead of throwing; exceptions are for bugs. BCL-only, so protocol libraries and
/// plugins use it without referencing the host.
/// </summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Failure? failure)
    {
        _value = value;
        Failure = failure;
    }

    /// <summary>Why it failed; null when <see cref="IsOk"/>.</summary>
    public Failure? Failure { get; }

    public bool IsOk => Failure is null;

    /// <summary>The value; reading it from a failed result is a bug and throws.</summary>
    public T Value => Failure is null ? _value! : throw new InvalidOperationException($"Result has no value: {Failure}");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Failure failure) => new(default, failure ?? throw new ArgumentNullException(nameof(failure)));

    public static Result<T> Fail(string code, string message) => new(default, new Failure(code, message));

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(Failure failure) => Fail(failure);

    public bool TryGetValue(out T value, out Failure failure)
    {
        value = _value!;
        failure = Failure!;
        return Failure is null;
    }

    public Result<TOut> Map<TOut>(Func<T, TOut> map) =>
        Failure is null ? Result<TOut>.Ok(map(_value!)) : Result<TOut>.Fail(Failure);

    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> bind) =>
        Failure is null ? bind(_value!) : Result<TOut>.Fail(Failure);

    public override string ToString() => Failure is null ? $"Ok({_value})" : $"Fail({Failure})";
}
