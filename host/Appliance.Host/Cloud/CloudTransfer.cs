using System.Net.Http.Headers;
using System.Security.Cryptography;
using Appliance.Abstractions;
using Appliance.Host.Backup;
using Appliance.Host.Configuration;
using Appliance.Host.PluginRepository;
using Appliance.PluginRepository;

namespace Appliance.Host.Cloud;

/// <summary>
/// Moves files to and from the URLs the cloud provides (backups, snapshots): HTTPS only, the server checked against
/// the system CAs and the fleet CA (<c>cloud.caFile</c>), through the site's proxy (<c>network.proxy</c>) when one is
/// set, downloads refused past <see cref="BackupLimits.MaxFileBytes"/>.
/// </summary>
public static class CloudTransfer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static Result<Uri> HttpsUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var url))
            return new Failure("malformed", "url must be an absolute https:// URL");
        if (url.Scheme != Uri.UriSchemeHttps) return new Failure("malformed", $"url must be https:// (not {url.Scheme}://): the cloud's files are only moved over HTTPS");
        if (url.UserInfo.Length > 0) return new Failure("malformed", "url must not carry a user name or password");
        return url;
    }

    /// <summary>PUTs the file; the answer must be 2xx.</summary>
    public static async Task<Result<(long Size, string Sha256)>> UploadAsync(Uri url, byte[] file, string contentType, CloudOptions cloud, HostNetworkOptions network, CancellationToken ct)
    {
        using var client = Client(cloud, network);
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var response = await client.PutAsync(url, content, timeout.Token);
            if (!response.IsSuccessStatusCode)
                return new Failure("transport", $"the upload to {url.Host} was answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new Failure("transport", $"the upload to {url.Host} failed: {e.Message}");
        }
        return (file.LongLength, Convert.ToHexStringLower(SHA256.HashData(file)));
    }

    public static async Task<Result<byte[]>> DownloadAsync(Uri url, CloudOptions cloud, HostNetworkOptions network, CancellationToken ct)
    {
        using var client = Client(cloud, network);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                return new Failure("transport", $"the download from {url.Host} was answered {(int)response.StatusCode} {response.ReasonPhrase}");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await BoundedRead.ReadAsync(body, response.Content.Headers.ContentLength, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new Failure("transport", $"the download from {url.Host} failed: {e.Message}");
        }
    }

    /// <summary>Through the site's proxy when one is set, trusting the fleet CA besides the system's.</summary>
    private static HttpClient Client(CloudOptions cloud, HostNetworkOptions network) =>
        RepositoryHttp.Create(PluginCatalogService.Proxied(network) with
        {
            TrustedCaFile = cloud.CaFile is { Length: > 0 } f && File.Exists(f) ? f : null,
            Timeout = TimeSpan.FromSeconds(30),
        });
}
