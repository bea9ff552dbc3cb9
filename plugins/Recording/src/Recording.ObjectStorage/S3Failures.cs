using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using Amazon.S3;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// What went wrong with a request, as a <see cref="Failure"/> code a caller branches on: <c>auth</c> (the endpoint
/// refuses the credentials), <c>no-bucket</c>, <c>tls</c> (its certificate is not trusted), <c>transport</c> (no
/// connection, connection lost, timed out), <c>server</c> (5xx), <c>upload-lost</c> (the server no longer knows the
/// multipart upload), <c>rejected</c> (any other refusal). Local problems are <c>local-file</c> and <c>checksum</c>.
/// </summary>
public static class S3Failures
{
    public const string Auth = "auth";
    public const string NoBucket = "no-bucket";
    public const string Tls = "tls";
    public const string Transport = "transport";
    public const string Server = "server";
    public const string UploadLost = "upload-lost";
    public const string Rejected = "rejected";
    public const string LocalFile = "local-file";
    public const string Checksum = "checksum";

    /// <summary>Codes worth another attempt later: the link, the server or the bytes on the way may be better then.</summary>
    public static bool IsRetryable(string code) => code is Transport or Server or UploadLost or Checksum;

    /// <summary>The failure an exception of the SDK or the HTTP stack stands for; null for one that is a bug.</summary>
    public static Failure? From(Exception exception, string bucket)
    {
        if (exception is AmazonS3Exception s3)
        {
            return FromService(s3.ErrorCode, s3.StatusCode, s3.Message, bucket);
        }

        if (exception is AmazonServiceException service && service.StatusCode != 0 && exception.InnerException is not (HttpRequestException or IOException or SocketException))
        {
            return FromService(service.ErrorCode, service.StatusCode, service.Message, bucket);
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException tls:
                    return new Failure(Tls, $"the endpoint's TLS certificate is not trusted: {tls.Message}");
                case SocketException socket:
                    return new Failure(Transport, $"cannot reach the endpoint: {socket.SocketErrorCode} ({socket.Message})");
                case HttpRequestException or IOException or TimeoutException:
                    continue;
            }
        }

        return exception switch
        {
            HttpRequestException or IOException or TimeoutException or TaskCanceledException =>
                new Failure(Transport, $"the connection to the endpoint failed: {Innermost(exception).Message}"),
            AmazonClientException client => new Failure(Transport, $"the request did not complete: {client.Message}"),
            _ => null,
        };
    }

    private static Failure FromService(string? code, HttpStatusCode status, string message, string bucket) => code switch
    {
        "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "InvalidToken" or "ExpiredToken" or "RequestTimeTooSkewed" =>
            new Failure(Auth, $"the endpoint refuses the credentials ({code}): {message}"),
        "NoSuchBucket" => new Failure(NoBucket, $"bucket '{bucket}' does not exist on the endpoint"),
        "NoSuchUpload" => new Failure(UploadLost, $"the endpoint no longer knows the multipart upload: {message}"),
        "BadDigest" or "InvalidDigest" => new Failure(Checksum, $"the endpoint received other bytes than were sent ({code})"),
        _ when status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized =>
            new Failure(Auth, $"the endpoint refuses the credentials ({(int)status} {code}): {message}"),
        _ when (int)status >= 500 => new Failure(Server, $"the endpoint failed ({(int)status} {code}): {message}"),
        _ => new Failure(Rejected, $"the endpoint refused the request ({(int)status} {code}): {message}"),
    };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
