namespace Appliance.Plugins.Rtsp.Protocol;

/// <summary>The outcome of parsing external input: a value, or a clear error saying what was wrong.</summary>
public sealed class ParseResult<T> where T : class
{
    private ParseResult(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public string? Error { get; }

    public bool IsOk => Value is not null;

    public static ParseResult<T> Ok(T value) => new(value, null);

    public static ParseResult<T> Fail(string error) => new(null, error);

    public override string ToString() => IsOk ? $"Ok({Value})" : $"Error({Error})";
}
