using System.Net.Security;

namespace Appliance.Plugins.Onvif.Plugin.Cameras;

/// <summary>An HTTP client of its own for one camera on https://, whose certificate check is <see cref="CertificatePins.Check"/>.</summary>
public static class PinnedHttp
{
    public static HttpClient Create(CertificatePins pins, string cameraId) =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => pins.Check(cameraId, certificate, errors),
            },
        })
        { Timeout = Timeout.InfiniteTimeSpan };

    public static bool IsHttps(string? onvifUri) =>
        Uri.TryCreate(onvifUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
