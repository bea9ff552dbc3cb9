using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>
/// The failure codes of this library: <c>unavailable</c> (the service is not on the bus), <c>dbus-error</c> (the
/// service answered an error; the message names it), <c>transport</c> (the bus cannot be reached or closed),
/// <c>timeout</c>, <c>malformed</c> (a reply or signal of the wrong type or shape, a missing property),
/// <c>not-found</c>, <c>job-failed</c>, <c>invalid</c> (the caller's input), <c>file-error</c> (a file the service
/// reads, such as a <c>.network</c> file, could not be written or read).
/// </summary>
public static class BusFailures
{
    public const string Unavailable = "unavailable";
    public const string DBusError = "dbus-error";
    public const string Transport = "transport";
    public const string Timeout = "timeout";
    public const string Malformed = "malformed";
    public const string NotFound = "not-found";
    public const string JobFailed = "job-failed";
    public const string Invalid = "invalid";
    public const string FileError = "file-error";

    /// <summary>What went wrong with a call, as a failure; null for exceptions that are bugs (they are not caught).</summary>
    internal static Failure? FromException(MethodCall call, Exception exception) => exception switch
    {
        DBusErrorReplyException { ErrorName: "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner" } e =>
            new Failure(Unavailable, $"{call.Destination} is not on the bus: {e.ErrorMessage}"),
        DBusErrorReplyException e => new Failure(DBusError, $"{call}: {e.ErrorName}: {e.ErrorMessage}"),
        DBusReadException e => new Failure(Malformed, $"{call}: unreadable reply: {e.Message}"),
        DBusConnectionException e => new Failure(Transport, $"{call}: the bus connection failed: {e.Message}"),
        DBusExceptionBase e => new Failure(Transport, $"{call}: {e.Message}"),
        TimeoutException => new Failure(Timeout, $"{call}: no reply in time"),
        IOException e => new Failure(Transport, $"{call}: {e.Message}"),
        System.Net.Sockets.SocketException e => new Failure(Transport, $"{call}: {e.Message}"),
        ObjectDisposedException => new Failure(Transport, $"{call}: the bus connection is closed"),
        _ => null,
    };
}
