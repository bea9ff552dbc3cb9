namespace Appliance.Plugins.Onvif.Protocol;

/// <summary>What went wrong with a message from the network. Expected failures travel as values, never as exceptions.</summary>
public enum ErrorKind
{
    /// <summary>Not well-formed XML, or truncated.</summary>
    MalformedXml,

    /// <summary>DTD, entity declaration or external entity: refused before anything is expanded or fetched.</summary>
    HostileXml,

    /// <summary>Larger than the configured limit.</summary>
    TooLarge,

    /// <summary>Well-formed, but not the message expected (wrong root, wrong namespace, missing element).</summary>
    UnexpectedMessage,

    /// <summary>The peer answered with a SOAP fault.</summary>
    SoapFault,

    /// <summary>The peer refused our credentials (SOAP fault ter:NotAuthorized or HTTP 401).</summary>
    NotAuthorized,

    /// <summary>HTTP status or transport failure (connection refused, reset, timeout).</summary>
    Transport,

    /// <summary>A DNS message that breaks RFC 1035 / 6762 framing.</summary>
    MalformedDns,

    /// <summary>An HTTP authentication challenge we cannot parse or answer.</summary>
    BadChallenge,
}

/// <summary>An expected failure with a message meant for logs and health reports.</summary>
public sealed record ProtocolError(ErrorKind Kind, string Message)
{
    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>Either a value or a <see cref="ProtocolError"/>.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, ProtocolError? error)
    {
        _value = value;
        Error = error;
    }

    public ProtocolError? Error { get; }

    public bool IsOk => Error is null;

    /// <summary>The value; reading it from a failed result is a bug and throws.</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Result has no value: {Error}");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(ProtocolError error) => new(default, error);

    public static Result<T> Fail(ErrorKind kind, string message) => new(default, new ProtocolError(kind, message));

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(ProtocolError error) => Fail(error);

    public bool TryGetValue(out T value, out ProtocolError error)
    {
        value = _value!;
        error = Error!;
        return Error is null;
    }

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => Error is null ? Result<TOut>.Ok(map(_value!)) : Result<TOut>.Fail(Error);

    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> bind) => Error is null ? bind(_value!) : Result<TOut>.Fail(Error);

    public override string ToString() => Error is null ? $"Ok({_value})" : $"Fail({Error})";
}
