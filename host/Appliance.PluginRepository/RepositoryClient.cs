using System.Net;
using System.Net.Http.Headers;
using Appliance.Abstractions;
using Appliance.Core.PluginRepository;

namespace Appliance.PluginRepository;

/// <summary>An index whose signature verified with a trusted key, read (but not yet judged fresh: that needs the last serial).</summary>
public sealed record VerifiedIndex(byte[] Bytes, RepoIndexHandle Index, string KeyName);

/// <summary>The parsed index, opaque to C# callers; the core's facade reads it.</summary>
public sealed record RepoIndexHandle(RepositoryTypes.RepoIndex Value);

/// <summary>Progress of one download: bytes on disk so far (including a resumed part) of the package's size.</summary>
public readonly record struct DownloadProgress(long Received, long Total);

/// <summary>
/// Fetches the signed index and packages of one repository. The index is parsed only after its signature verified; a
/// package is written to a part file (resumed with a Range request when one is there), hashed as it arrives, and
/// handed out only when its size and SHA-256 match the index: nothing unverified reaches the installer.
/// </summary>
public sealed class RepositoryClient(HttpClient http, TransportSettings settings, TimeProvider time)
{
    public const int MaxSignatureBytes = 1024;

    /// <summary>The repository's base (ends with '/'), checked: HTTPS, or HTTP only when allowed.</summary>
    public static Result<Uri> BaseUri(string url, bool allowPlainHttp)
    {
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri))
            return new Failure("malformed", $"repository URL '{url}' is not an absolute URL");
        if (uri.Scheme == Uri.UriSchemeHttp && !allowPlainHttp)
            return new Failure("refused", $"repository URL '{url}' is plain HTTP; only HTTPS is used unless plugins.repository.allowPlainHttp is set for a mirror");
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return new Failure("malformed", $"repository URL '{url}' is not HTTP(S)");
        return uri;
    }

    /// <summary>Downloads <c>index.json</c> and <c>index.json.sig</c>, verifies the signature with the trusted keys, then reads the index.</summary>
    public async Task<Result<VerifiedIndex>> FetchIndexAsync(Uri repository, IReadOnlyList<TrustedKey> keys, CancellationToken ct)
    {
        var index = await GetSmallAsync(new Uri(repository, "index.json"), RepositoryIndex.MaxIndexBytes, ct);
        if (!index.IsOk) return index.Failure!;
        var signature = await GetSmallAsync(new Uri(repository, "index.json.sig"), MaxSignatureBytes, ct);
        if (!signature.IsOk) return signature.Failure!;
        var signer = RepositoryKeys.VerifyAny(index.Value, System.Text.Encoding.ASCII.GetString(signature.Value), keys);
        if (!signer.IsOk) return signer.Failure!;
        var check = RepositoryFacade.Parse(index.Value);
        if (!check.IsValid) return new Failure("malformed", "the signed index is not valid: " + string.Join("; ", check.Errors));
        return new VerifiedIndex(index.Value, new RepoIndexHandle(check.Valid), signer.Value.Name);
    }

    /// <summary>A small file, whole, within <see cref="TransportSettings.Timeout"/> and <paramref name="maxBytes"/>.</summary>
    public async Task<Result<byte[]>> GetSmallAsync(Uri uri, int maxBytes, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.StatusCode != HttpStatusCode.OK) return Status(uri, response);
            if (response.Content.Headers.ContentLength > maxBytes)
                return new Failure("too-large", $"{uri}: {response.Content.Headers.ContentLength} bytes; the limit is {maxBytes}");
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            var buffer = new MemoryStream();
            var piece = new byte[16384];
            int read;
            while ((read = await body.ReadAsync(piece, deadline.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes) return new Failure("too-large", $"{uri}: more than {maxBytes} bytes");
                buffer.Write(piece, 0, read);
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Failure("timeout", $"{uri}: no complete answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return Transport(uri, ex);
        }
    }

    /// <summary>
    /// Downloads a package into <paramref name="partPath"/>, resuming what is already there, and checks its size and
    /// SHA-256. Ok: the verified file (the part path). A cut transfer keeps the part for the next attempt; a file
    /// that does not match is deleted.
    /// </summary>
    public async Task<Result<string>> DownloadAsync(Uri uri, long size, string sha256, string partPath, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(partPath))!);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long have = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        if (have > size)
        {
            File.Delete(partPath);
            have = 0;
        }
        if (have > 0) await HashFileAsync(partPath, hash, ct);
        progress?.Report(new DownloadProgress(have, size));
        if (have < size && FreeBytes(partPath) is { } free && free < size - have)
            return new Failure("disk-full", $"{uri}: {size - have} more bytes are needed in {Path.GetDirectoryName(Path.GetFullPath(partPath))}, {free} are free");
        if (have < size)
        {
            var fetched = await FetchRestAsync(uri, size, partPath, have, hash, progress, ct);
            if (!fetched.IsOk) return fetched.Failure!;
        }
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != sha256)
        {
            TryDelete(partPath);
            return new Failure("bad-hash", $"{uri}: SHA-256 {actual} does not match the signed index ({sha256}); the download was deleted");
        }
        return partPath;
    }

    private async Task<Result<long>> FetchRestAsync(Uri uri, long size, string partPath, long have, System.Security.Cryptography.IncrementalHash hash, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        HttpResponseMessage response;
        using (var head = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            head.CancelAfter(settings.Timeout);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, head.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return new Failure("timeout", $"{uri}: no answer within {settings.Timeout.TotalSeconds:0.#} s");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return Transport(uri, ex);
            }
        }
        using (response)
        {
            if (have > 0 && response.StatusCode == HttpStatusCode.OK)
            {
                // The server ignored the Range: start again from the first byte.
                hash.GetHashAndReset();
                have = 0;
            }
            else if (have > 0 && response.StatusCode == HttpStatusCode.PartialContent)
            {
                if (response.Content.Headers.ContentRange is not { From: { } from } || from != have)
                    return new Failure("malformed", $"{uri}: answered a range that does not start at byte {have}");
            }
            else if (response.StatusCode != HttpStatusCode.OK)
            {
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) TryDelete(partPath);
                return Status(uri, response);
            }
            await using var file = new FileStream(partPath, have == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, 0);
            var throttle = new Throttle(settings.BytesPerSecond, time);
            var buffer = new byte[128 * 1024];
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    stall.CancelAfter(settings.Stall);
                    var read = await body.ReadAsync(buffer, stall.Token);
                    if (read == 0) break;
                    if (have + read > size)
                    {
                        file.Close();
                        TryDelete(partPath);
                        return new Failure("too-large", $"{uri}: more bytes than the {size} the signed index announces; the download was deleted");
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    hash.AppendData(buffer, 0, read);
                    have += read;
                    progress?.Report(new DownloadProgress(have, size));
                    await throttle.PassAsync(read, ct);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return new Failure("timeout", $"{uri}: no data for {settings.Stall.TotalSeconds:0.#} s after {have} of {size} bytes; the part is kept to resume");
            }
            catch (IOException ex) when ((ex.HResult & 0xFFFF) == DiskFullErrno)
            {
                file.Close();
                TryDelete(partPath);
                return new Failure("disk-full", $"{uri}: the disk filled up after {have} of {size} bytes ({ex.Message}); the part was deleted");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return new Failure("interrupted", $"{uri}: the transfer broke after {have} of {size} bytes ({ex.Message}); the part is kept to resume");
            }
            if (have < size)
                return new Failure("interrupted", $"{uri}: the transfer ended after {have} of {size} bytes; the part is kept to resume");
            return have;
        }
    }

    /// <summary>ENOSPC: what a write to a full file system fails with on Linux.</summary>
    private const int DiskFullErrno = 28;

    /// <summary>Bytes free for an unprivileged writer where <paramref name="path"/> lives, or null when the system cannot say.</summary>
    private static long? FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(path))!).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task HashFileAsync(string path, System.Security.Cryptography.IncrementalHash hash, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
        var buffer = new byte[128 * 1024];
        int read;
        while ((read = await file.ReadAsync(buffer, ct)) > 0) hash.AppendData(buffer, 0, read);
    }

    private static Failure Status(Uri uri, HttpResponseMessage response) =>
        new(response.StatusCode == HttpStatusCode.NotFound ? "not-found" : "http", $"{uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

    private static Failure Transport(Uri uri, Exception ex)
    {
        var inner = ex.InnerException is { } i ? $" ({i.Message})" : "";
        return new Failure("transport", $"{uri}: {ex.Message}{inner}");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
