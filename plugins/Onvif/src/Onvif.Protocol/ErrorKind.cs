using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Protocol;

/// <summary>
/// What went wrong with a message from the network: the <see cref="Failure.Code"/>s of this library's
/// <see cref="Result{T}"/>s. Expected failures travel as values, never as exceptions.
/// </summary>
public static class ErrorKind
{
    /// <summary>Not well-formed XML, or truncated.</summary>
    public const string MalformedXml = "MalformedXml";

    /// <summary>DTD, entity declaration or external entity: refused before anything is expanded or fetched.</summary>
    public const string HostileXml = "HostileXml";

    /// <summary>Larger than the configured limit.</summary>
    public const string TooLarge = "TooLarge";

    /// <summary>Well-formed, but not the message expected (wrong root, wrong namespace, missing element).</summary>
    public const string UnexpectedMessage = "UnexpectedMessage";

    /// <summary>The peer answered with a SOAP fault.</summary>
    public const string SoapFault = "SoapFault";

    /// <summary>The peer refused our credentials (SOAP fault ter:NotAuthorized or HTTP 401).</summary>
    public const string NotAuthorized = "NotAuthorized";

    /// <summary>HTTP status or transport failure (connection refused, reset, timeout).</summary>
    public const string Transport = "Transport";

    /// <summary>A DNS message that breaks RFC 1035 / 6762 framing.</summary>
    public const string MalformedDns = "MalformedDns";

    /// <summary>An HTTP authentication challenge we cannot parse or answer.</summary>
    public const string BadChallenge = "BadChallenge";

    /// <summary>A sub stream was asked of a camera with a single media profile.</summary>
    public const string NoSubProfile = "NoSubProfile";
}
