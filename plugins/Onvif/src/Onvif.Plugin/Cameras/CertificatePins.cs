using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Cameras;

/// <summary>What the last TLS handshake with a camera found.</summary>
public enum CertificateVerdict { SystemTrusted, Pinned, Untrusted, Changed }

/// <summary>The certificate a camera presented (SHA-256 of its DER, upper-case hex) and what we made of it.</summary>
public sealed record PresentedCertificate(string Sha256, string Subject, DateTimeOffset NotAfter, CertificateVerdict Verdict);

/// <summary>
/// Trust on first use for ONVIF over HTTPS. A camera whose certificate the system trusts is accepted as before; one
/// it does not trust (self-signed) is refused until an administrator confirms the fingerprint it presented, which is
/// then pinned (<c>pinned-certificates.json</c> in the plugin's data directory, camera id → SHA-256). A pinned camera
/// is accepted only with that exact certificate: a replaced one is refused and reported, never trusted silently.
/// </summary>
public sealed class CertificatePins
{
    private const string FileName = "pinned-certificates.json";
    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly Dictionary<string, string> _pins;
    private readonly ConcurrentDictionary<string, PresentedCertificate> _presented = new(StringComparer.Ordinal);
    private readonly IPluginLogger _logger;

    public CertificatePins(string? dataDirectory, IPluginLogger logger)
    {
        _logger = logger;
        _path = string.IsNullOrEmpty(dataDirectory) ? null : Path.Combine(dataDirectory, FileName);
        _pins = Load(_path, logger);
    }

    public string? Pinned(string cameraId)
    {
        lock (_lock) return _pins.GetValueOrDefault(cameraId);
    }

    public PresentedCertificate? Presented(string cameraId) => _presented.GetValueOrDefault(cameraId);

    /// <summary>The TLS check of one handshake with <paramref name="cameraId"/>; records what was presented.</summary>
    public bool Check(string cameraId, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        var sha256 = Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
        var pinned = Pinned(cameraId);
        var verdict = pinned is not null
            ? string.Equals(pinned, sha256, StringComparison.Ordinal) ? CertificateVerdict.Pinned : CertificateVerdict.Changed
            : errors == SslPolicyErrors.None ? CertificateVerdict.SystemTrusted : CertificateVerdict.Untrusted;
        var notAfter = certificate is X509Certificate2 c2 ? new DateTimeOffset(c2.NotAfter.ToUniversalTime()) : DateTimeOffset.MinValue;
        _presented[cameraId] = new PresentedCertificate(sha256, certificate.Subject, notAfter, verdict);
        return verdict is CertificateVerdict.SystemTrusted or CertificateVerdict.Pinned;
    }

    /// <summary>
    /// Pins <paramref name="sha256"/> for the camera: only the fingerprint it presented last (hex, colons and case
    /// ignored), so a confirmation cannot pin something the camera never showed.
    /// </summary>
    public Result<string> Pin(string cameraId, string sha256)
    {
        var wanted = Normalize(sha256);
        if (wanted is null) return Result<string>.Fail("invalid", "sha256 must be 64 hexadecimal digits (colons allowed)");
        if (Presented(cameraId) is not { } presented)
            return Result<string>.Fail("conflict", "the camera has presented no certificate yet; wait for its first connection attempt");
        if (!string.Equals(presented.Sha256, wanted, StringComparison.Ordinal))
            return Result<string>.Fail("conflict", $"the camera presented SHA-256 {Format(presented.Sha256)}, not {Format(wanted)}");
        lock (_lock)
        {
            _pins[cameraId] = wanted;
            Save();
        }
        _logger.Info("onvif: camera {Camera}: certificate SHA-256 {Fingerprint} pinned", cameraId, Format(wanted));
        return wanted;
    }

    public bool Unpin(string cameraId)
    {
        lock (_lock)
        {
            if (!_pins.Remove(cameraId)) return false;
            Save();
            return true;
        }
    }

    /// <summary>Forgets what a removed camera presented (its pin stays until unpinned: the id may come back).</summary>
    public void Forget(string cameraId) => _presented.TryRemove(cameraId, out _);

    /// <summary>The health message for a connection that failed on the certificate, or null when the certificate was not the cause.</summary>
    public string? Explain(string cameraId) =>
        Presented(cameraId) switch
        {
            { Verdict: CertificateVerdict.Untrusted } p =>
                $"the camera's HTTPS certificate is not trusted (self-signed or private CA, {p.Subject}): SHA-256 {Format(p.Sha256)}; " +
                $"if this is the camera's certificate, confirm it to pin it on the portal's page /Cameras/Certificate/{cameraId} " +
                $"(or POST /plugins/appliance.onvif/cameras/{cameraId}/certificate {{\"sha256\":\"{p.Sha256}\"}})",
            { Verdict: CertificateVerdict.Changed } p =>
                $"the camera's HTTPS certificate changed: pinned SHA-256 {Format(Pinned(cameraId) ?? "")}, presented {Format(p.Sha256)} ({p.Subject}); " +
                $"refused. If the camera's certificate was replaced on purpose, confirm the new one on the portal's page /Cameras/Certificate/{cameraId} " +
                $"(or POST /plugins/appliance.onvif/cameras/{cameraId}/certificate {{\"sha256\":\"{p.Sha256}\"}})",
            _ => null,
        };

    /// <summary>AB:CD:… as certificate viewers show it.</summary>
    public static string Format(string hex) =>
        string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));

    /// <summary>Upper-case hex without separators, or null when it is not a SHA-256.</summary>
    public static string? Normalize(string? text)
    {
        if (text is null || text.Length > 200) return null;
        var hex = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex : null;
    }

    private void Save()
    {
        if (_path is null) return;
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_pins));
        File.Move(temp, _path, overwrite: true);
    }

    private static Dictionary<string, string> Load(string? path, IPluginLogger logger)
    {
        var pins = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path)) return pins;
        try
        {
            foreach (var (id, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [])
                if (Normalize(value) is { } sha256) pins[id] = sha256;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // An unreadable pin file trusts nothing new: every HTTPS camera without system trust is refused until confirmed again.
            logger.Error(e, "onvif: {File} is unreadable; pinned certificates must be confirmed again", path);
        }
        return pins;
    }
}
