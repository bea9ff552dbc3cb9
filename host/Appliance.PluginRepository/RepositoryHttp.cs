using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.PluginRepository;

/// <summary>The HTTP client the repository is reached with: TLS as configured, the proxy (CONNECT for HTTPS), no overall timeout (each call has its own).</summary>
public static class RepositoryHttp
{
    public static HttpClient Create(TransportSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (settings.Proxy is { } proxy)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(proxy)
            {
                Credentials = settings.ProxyUser is { Length: > 0 } user ? new NetworkCredential(user, settings.ProxyPassword ?? "") : null,
            };
        }
        else
        {
            handler.UseProxy = false;
        }
        if (settings.TrustedCaFile is { Length: > 0 } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None) return true;
                if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
