namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// Where exported files go: any S3-compatible endpoint. <see cref="ServiceUrl"/> is the endpoint (https://host:443 in
/// production; the destination host is what the plugin declares for the firewall), <see cref="PathStyle"/> puts the
/// bucket in the path (most self-hosted servers need it), <see cref="CaPem"/> is the PEM of the CA the endpoint's
/// certificate chains to when it is not a public one (null: the system's roots).
/// </summary>
public sealed record S3Destination
{
    /// <summary>S3's own limits on a part: at least 5 MiB (except the last), at most 10,000 parts.</summary>
    public const long MinPartSize = 5L * 1024 * 1024;

    /// <summary>
    /// A part is read into memory whole (its MD5 is sent before its bytes), so parts stop at 256 MiB here, well below
    /// S3's 5 GiB; a file up to this size can go as one PUT.
    /// </summary>
    public const long MaxPartSize = 256L * 1024 * 1024;

    public const int MaxParts = 10_000;

    public required Uri ServiceUrl { get; init; }

    public string Region { get; init; } = "us-east-1";

    public required string Bucket { get; init; }

    public required string AccessKey { get; init; }

    public required string SecretKey { get; init; }

    public bool PathStyle { get; init; } = true;

    /// <summary>PEM text of the CA (one or more certificates) the endpoint must chain to; null for the system's roots.</summary>
    public string? CaPem { get; init; }

    /// <summary>Files larger than this go as a multipart upload in parts of this size; smaller ones as one PUT.</summary>
    public long PartSize { get; init; } = 8L * 1024 * 1024;

    /// <summary>Upload bandwidth limit on request bodies, bytes per second; 0 for none.</summary>
    public long BandwidthBytesPerSecond { get; init; }

    /// <summary>One request's time limit (a part at the bandwidth limit must fit in it).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Every error in the settings, each naming its field; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!ServiceUrl.IsAbsoluteUri || (ServiceUrl.Scheme != Uri.UriSchemeHttps && ServiceUrl.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"serviceUrl: must be an absolute http or https URL, not '{ServiceUrl}'");
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            errors.Add("region: must not be empty");
        }

        if (!IsBucketName(Bucket))
        {
            errors.Add($"bucket: '{Bucket}' is not a bucket name (3-63 characters: lower-case letters, digits, '.', '-')");
        }

        if (string.IsNullOrEmpty(AccessKey))
        {
            errors.Add("accessKey: must not be empty");
        }

        if (string.IsNullOrEmpty(SecretKey))
        {
            errors.Add("secretKey: must not be empty");
        }

        if (PartSize < MinPartSize || PartSize > MaxPartSize)
        {
            errors.Add($"partSize: {PartSize} is outside {MinPartSize}..{MaxPartSize} bytes (S3's minimum; a part is held in memory)");
        }

        if (BandwidthBytesPerSecond < 0)
        {
            errors.Add($"bandwidthBytesPerSecond: {BandwidthBytesPerSecond} is negative (0 means no limit)");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("requestTimeout: must be positive");
        }
        else if (BandwidthBytesPerSecond > 0 && PartSize / (double)BandwidthBytesPerSecond > RequestTimeout.TotalSeconds * 0.8)
        {
            errors.Add($"bandwidthBytesPerSecond: a part of {PartSize} bytes at {BandwidthBytesPerSecond} bytes/s takes longer than 80 % of requestTimeout ({RequestTimeout.TotalSeconds:0} s); lower partSize or raise the timeout");
        }

        return errors;
    }

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0])
        && char.IsAsciiLetterOrDigit(name[^1]);
}
