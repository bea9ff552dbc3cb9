using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// The AWSSDK.S3 client for a <see cref="S3Destination"/>: its own HTTP client (the destination's CA when given, the
/// bandwidth limit and byte count on request bodies), no retries of its own (the queue retries with backoff), and
/// checksums only where S3 requires them (Content-MD5 is set on every body by the uploader; the SDK's default
/// trailing CRC32 in aws-chunked bodies is not understood by every S3-compatible server).
/// </summary>
internal static class S3Client
{
    public static Result<(AmazonS3Client Client, HttpClient Http)> Create(S3Destination destination, TimeProvider time, Action<long> bytesSent)
    {
        var errors = destination.Validate();
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        X509Certificate2Collection? roots = null;
        if (destination.CaPem is not null)
        {
            roots = [];
            try
            {
                roots.ImportFromPem(destination.CaPem);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                return Result<(AmazonS3Client, HttpClient)>.Fail(Failure.InvalidCode, $"caPem: not a PEM certificate: {e.Message}");
            }

            if (roots.Count == 0)
            {
                return Result<(AmazonS3Client, HttpClient)>.Fail(Failure.InvalidCode, "caPem: holds no certificate");
            }
        }

        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        if (roots is not null)
        {
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ChainsTo(roots, certificate, errors);
        }

        var bucket = destination.BandwidthBytesPerSecond > 0 ? new TokenBucket(destination.BandwidthBytesPerSecond, time) : null;
        var http = new HttpClient(new ThrottledBodyHandler(bucket, bytesSent) { InnerHandler = sockets }, disposeHandler: true)
        {
            Timeout = destination.RequestTimeout,
        };
        var config = new AmazonS3Config
        {
            ServiceURL = destination.ServiceUrl.ToString(),
            AuthenticationRegion = destination.Region,
            ForcePathStyle = destination.PathStyle,
            MaxErrorRetry = 0,
            Timeout = destination.RequestTimeout,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            HttpClientFactory = new OneClient(http),
        };
        return (new AmazonS3Client(new BasicAWSCredentials(destination.AccessKey, destination.SecretKey), config), http);
    }

    /// <summary>The server's certificate chains to one of <paramref name="roots"/> (and nothing else is wrong with it: name, presence).</summary>
    private static bool ChainsTo(X509Certificate2Collection roots, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Hands the SDK our one HTTP client; the exporter disposes it.</summary>
    private sealed class OneClient(HttpClient http) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => http;

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => "appliance-recording-object-storage";
    }
}
