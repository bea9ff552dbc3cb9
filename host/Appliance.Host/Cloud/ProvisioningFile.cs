using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.CloudLink.Provisioning;
using Appliance.Host.Configuration;

namespace Appliance.Host.Cloud;

/// <summary>
/// The provisioning file a flashed appliance finds at first boot on its data partition or a USB stick
/// (<c>cloud.provisioningFiles</c>): the fleet's brokers and CA, and either the device's certificate and key or an
/// enrolment URL and token. Read once per content at start: its PEMs go to <c>{data}/cloud/</c> (the key 0600) and
/// its settings to <c>{data}/cloud/provisioned.json</c>, which fill the <c>appliance.cloud</c> settings the
/// configuration leaves unset (and switch the link on). A bad file imports nothing and is named in health.
/// </summary>
public static class ProvisioningFile
{
    public const int MaxBytes = 256 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>What a provisioning file holds (all PEM as text).</summary>
    public sealed record Document(string? DeviceId, List<string>? Brokers, string? CaPem, string? CertificatePem, string? KeyPem, EnrolmentPart? Enrolment);

    public sealed record EnrolmentPart(string? Url, string? Token);

    /// <summary>The settings kept after an import (no secrets but the enrolment token, in a 0600 file).</summary>
    public sealed record Provisioned(string? DeviceId, List<string> Brokers, string CaFile, string? EnrolmentUrl, string? EnrolmentToken, string Sha256);

    /// <summary>The outcome of the import at start, for health: the file imported, or why one was not.</summary>
    public sealed record ImportOutcome(string? Imported, Failure? Problem);

    public static Result<Document> Parse(string text)
    {
        if (text.Length > MaxBytes) return new Failure("too-large", $"a provisioning file is at most {MaxBytes} bytes");
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(text, Json);
        }
        catch (JsonException ex)
        {
            return new Failure("malformed", $"not a provisioning document: {ex.Message}");
        }
        if (document is null) return new Failure("malformed", "the provisioning file is empty");
        var errors = new List<string>();
        if (document.DeviceId is { } id && !Topics.IsTopicLevel(id)) errors.Add($"deviceId '{id}' cannot be a topic level");
        if (document.Brokers is not { Count: > 0 }) errors.Add("brokers: at least one host:port is needed");
        foreach (var broker in document.Brokers ?? [])
            if (!BrokerAddress.Parse(broker).IsOk) errors.Add($"brokers: '{broker}' is not host:port or wss://host[:port]/path");
        if (!Certificates(document.CaPem, out _)) errors.Add("caPem: the fleet CA as PEM certificates is needed");
        if ((document.CertificatePem is null) != (document.KeyPem is null)) errors.Add("certificatePem and keyPem come together");
        if (document.CertificatePem is not null && !Certificates(document.CertificatePem, out _)) errors.Add("certificatePem: not a PEM certificate");
        if (document.KeyPem is not null && !IsKey(document.KeyPem)) errors.Add("keyPem: not a PEM private key");
        if (document.Enrolment is { } enrolment && !EstClient.BaseOf(enrolment.Url).IsOk) errors.Add("enrolment.url: an https:// EST base is needed");
        if (document.CertificatePem is null && document.Enrolment is null) errors.Add("either certificatePem + keyPem or enrolment (url, token) is needed");
        return errors.Count > 0 ? Failure.Invalid(errors) : document;
    }

    /// <summary>Imports the first provisioning file present whose content was not imported before.</summary>
    public static ImportOutcome Import(ApplianceOptions options)
    {
        var recorded = Path.Combine(options.DataPath("cloud"), "provisioned.json");
        var previous = Read(recorded);
        foreach (var path in options.Cloud.ProvisioningFiles.Count > 0 ? options.Cloud.ProvisioningFiles : CloudOptions.DefaultProvisioningFiles)
        {
            if (!File.Exists(path)) continue;
            string text;
            try
            {
                if (new FileInfo(path).Length > MaxBytes) return new(null, new Failure("too-large", $"{path}: a provisioning file is at most {MaxBytes} bytes"));
                text = File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                return new(null, new Failure("unreadable", $"{path}: {ex.Message}"));
            }
            var sha = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
            if (previous?.Sha256 == sha) return new(null, null);
            if (!Parse(text).TryGetValue(out var document, out var bad)) return new(null, new Failure(bad.Code, $"{path}: {string.Join("; ", bad.Errors)}"));
            Write(options, document, sha, recorded);
            return new(path, null);
        }
        return new(null, null);
    }

    /// <summary>Fills what <c>appliance.cloud</c> leaves unset from the last import, and switches the link on.</summary>
    public static void Apply(ApplianceOptions options)
    {
        if (Read(Path.Combine(options.DataPath("cloud"), "provisioned.json")) is not { } provisioned) return;
        var cloud = options.Cloud;
        cloud.Enabled = true;
        cloud.DeviceId ??= provisioned.DeviceId;
        if (cloud.Brokers.Count == 0) cloud.Brokers.AddRange(provisioned.Brokers);
        cloud.CaFile ??= provisioned.CaFile;
        cloud.Enrolment.Url ??= provisioned.EnrolmentUrl;
        cloud.Enrolment.Token ??= provisioned.EnrolmentToken;
    }

    private static void Write(ApplianceOptions options, Document document, string sha, string recorded)
    {
        var folder = Directory.CreateDirectory(options.DataPath("cloud")).FullName;
        var ca = Path.Combine(folder, "fleet-ca.pem");
        WriteAtomically(ca, document.CaPem!, secret: false);
        if (document.CertificatePem is not null)
        {
            WriteAtomically(options.Cloud.KeyFile ?? Path.Combine(folder, "device.key"), document.KeyPem!, secret: true);
            WriteAtomically(options.Cloud.CertificateFile ?? Path.Combine(folder, "device.pem"), document.CertificatePem, secret: false);
        }
        var provisioned = new Provisioned(document.DeviceId, document.Brokers!, ca, document.Enrolment?.Url, document.Enrolment?.Token, sha);
        WriteAtomically(recorded, JsonSerializer.Serialize(provisioned, Json), secret: true);
    }

    private static Provisioned? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Provisioned>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    private static void WriteAtomically(string path, string text, bool secret)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static bool Certificates(string? pem, out X509Certificate2Collection certificates)
    {
        certificates = [];
        if (string.IsNullOrWhiteSpace(pem)) return false;
        try
        {
            certificates.ImportFromPem(pem);
            return certificates.Count > 0;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool IsKey(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return true;
            }
            catch (Exception inner) when (inner is CryptographicException or ArgumentException)
            {
                return false;
            }
        }
    }
}
