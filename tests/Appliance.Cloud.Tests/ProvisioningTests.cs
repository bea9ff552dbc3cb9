using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary>
/// The device gets its certificate without anyone copying key files: its key is made on the device, the request is
/// enrolled at the fleet's EST server (a Kestrel EST endpoint whose CA work is done by openssl) with a one-time token,
/// renewed before expiry with the certificate itself, or signed out of band and uploaded through the API. Each ends
/// with the real host online on the real TLS mosquitto (per-device ACL by certificate CN).
/// </summary>
public sealed class ProvisioningTests : IAsyncLifetime
{
    private const string Token = "one-time-enrolment-token";
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-cloud-prov-").FullName;
    private TestPki _pki = null!;
    private MosquittoPeer _broker = null!;
    private EstServer _est = null!;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _broker = await MosquittoPeer.StartAsync(_pki, Path.Combine(_folder, "broker"));
        _est = await EstServer.StartAsync(_pki, CloudHost.Device, Token);
    }

    public async Task DisposeAsync()
    {
        await _est.DisposeAsync();
        await _broker.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The host with a cloud link but no certificate or key files configured: they live in its data folder.</summary>
    private Task<HostProcess> StartAsync(string data, JsonObject? enrolment) => HostProcess.StartAsync(Directory.CreateDirectory(data).FullName, bundledPlugins: null, appliance: new JsonObject
    {
        ["cloud"] = new JsonObject
        {
            ["enabled"] = true,
            ["deviceId"] = CloudHost.Device,
            ["brokers"] = new JsonArray($"127.0.0.1:{_broker.Port}"),
            ["caFile"] = _pki.CaPath,
            ["keepAliveSeconds"] = 2,
            ["maxBackoffSeconds"] = 1,
            ["renewBeforeDays"] = 30,
            ["provisioningCheckMinutes"] = 0.05,
            ["enrolment"] = enrolment,
        },
    });

    private static async Task<JsonElement> CloudAsync(HostProcess host) => await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cloud");

    private static async Task<string> IdentityHealthAsync(HostProcess host)
    {
        var health = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/health");
        return health.GetRawText();
    }

    [Fact]
    public async Task A_device_enrols_with_its_token_comes_online_and_renews_its_short_certificate_with_itself()
    {
        var data = Path.Combine(_folder, "enrol");
        await using var host = await StartAsync(data, new JsonObject { ["url"] = _est.BaseUrl, ["token"] = Token });
        await host.LoginAsync();

        // Enrolled (1-day certificate) -> due for renewal within 30 days -> re-enrolled with itself (90 days).
        await Eventually.UntilAsync(() => _est.Log.Any(l => l.StartsWith("reenrol", StringComparison.Ordinal)), "the device re-enrolled",
            TimeSpan.FromSeconds(60), () => string.Join("; ", _est.Log));
        Assert.Equal($"enrol {CloudHost.Device}", _est.Log[0]);
        Assert.Equal($"reenrol CN={CloudHost.Device}", _est.Log.First(l => l.StartsWith("reenrol", StringComparison.Ordinal)));
        Assert.DoesNotContain(_est.Log, l => l.StartsWith("refused", StringComparison.Ordinal));

        var certificatePath = Path.Combine(data, "cloud", "device.pem");
        await Eventually.UntilAsync(() => File.Exists(certificatePath) && X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath)).NotAfter > DateTime.UtcNow.AddDays(60),
            "the 90-day certificate installed", TimeSpan.FromSeconds(30));
        // Online with the renewed certificate: connected since after it was written (the link restarts after each install,
        // publishing its planned "offline" before the new connection's birth).
        var installedAt = File.GetLastWriteTimeUtc(certificatePath);
        await Eventually.UntilAsync(async () =>
        {
            var cloud = await CloudAsync(host);
            return cloud.GetProperty("connected").GetBoolean() && cloud.GetProperty("since").GetDateTimeOffset() >= installedAt;
        }, "the link online with the renewed certificate", TimeSpan.FromSeconds(30), () => IdentityHealthAsync(host).Result);
        var birth = await MosquittoSub.ReadAsync(_pki, _broker.Port, $"appliance/{CloudHost.Device}/state", 1, TimeSpan.FromSeconds(20));
        Assert.Equal("""{"state":"online"}""", birth[0]);

        // The key never left the device and only its owner may read it; the certificate is for that key.
        var keyPath = Path.Combine(data, "cloud", "device.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        using var pair = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        Assert.True(pair.HasPrivateKey);
        Assert.Equal($"CN={CloudHost.Device}", pair.Subject);
        Assert.Single(_est.Log, l => l.StartsWith("enrol", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_token_is_a_clear_health_error_and_no_certificate()
    {
        var data = Path.Combine(_folder, "wrong");
        await using var host = await StartAsync(data, new JsonObject { ["url"] = _est.BaseUrl, ["token"] = "not-the-token" });
        await host.LoginAsync();
        await Eventually.UntilAsync(async () => (await IdentityHealthAsync(host)).Contains("refused the enrolment token", StringComparison.Ordinal),
            "health names the refused token", TimeSpan.FromSeconds(30), () => IdentityHealthAsync(host).Result);
        Assert.False(File.Exists(Path.Combine(data, "cloud", "device.pem")));
        var cloud = await CloudAsync(host);
        Assert.False(cloud.GetProperty("connected").GetBoolean());
        Assert.Contains("refused enrol", _est.Log);
    }

    [Fact]
    public async Task A_certificate_signed_out_of_band_for_the_devices_request_is_uploaded_and_used_and_wrong_ones_are_refused()
    {
        var data = Path.Combine(_folder, "upload");
        await using var host = await StartAsync(data, enrolment: null);
        await host.LoginAsync();
        host.Client.DefaultRequestHeaders.Add("X-Reauth-Password", HostProcess.AdminPassword);
        await Eventually.UntilAsync(async () => (await IdentityHealthAsync(host)).Contains("GET /api/v1/cloud/csr", StringComparison.Ordinal),
            "health says where the signing request is", TimeSpan.FromSeconds(30), () => IdentityHealthAsync(host).Result);

        var request = await host.Client.GetStringAsync("/api/v1/cloud/csr");
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", request);
        // The same key every time (ECDSA signatures differ, the public key does not), subject CN = the device id.
        var first = CertificateRequest.LoadSigningRequestPem(request, HashAlgorithmName.SHA256);
        var second = CertificateRequest.LoadSigningRequestPem(await host.Client.GetStringAsync("/api/v1/cloud/csr"), HashAlgorithmName.SHA256);
        Assert.Equal(first.PublicKey.ExportSubjectPublicKeyInfo(), second.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal($"CN={CloudHost.Device}", first.SubjectName.Name);

        // Refused: garbage, another device's certificate (another key), one from another CA.
        Assert.Equal((HttpStatusCode.BadRequest, "malformed"), await UploadAsync(host, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"));
        var (otherCertificate, _) = _pki.Client("someone-else");
        Assert.Equal((HttpStatusCode.BadRequest, "wrong-key"), await UploadAsync(host, await File.ReadAllTextAsync(otherCertificate)));
        using var foreignPki = TestPki.Create(Path.Combine(_folder, "foreign"), "foreign");
        await using (var foreignEst = await EstServer.StartAsync(foreignPki, CloudHost.Device, Token))
            Assert.Equal((HttpStatusCode.BadRequest, "untrusted"), await UploadAsync(host, await foreignEst.SignPemAsync(request)));
        Assert.False(File.Exists(Path.Combine(data, "cloud", "device.pem")));

        var signed = await _est.SignPemAsync(request);
        using (var response = await host.Client.PostAsync("/api/v1/cloud/certificate", new StringContent(signed, Encoding.ASCII)))
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () => (await CloudAsync(host)).GetProperty("connected").GetBoolean(), "the link online with the uploaded certificate",
            TimeSpan.FromSeconds(30), () => IdentityHealthAsync(host).Result);
    }

    [Fact]
    public async Task A_provisioning_file_on_the_data_partition_brings_a_fresh_appliance_online_without_cloud_settings()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "file")).FullName;
        var (certificate, key) = _pki.Client(CloudHost.Device);
        var file = Path.Combine(data, "provisioning.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            deviceId = CloudHost.Device,
            brokers = new[] { $"127.0.0.1:{_broker.Port}" },
            caPem = await File.ReadAllTextAsync(_pki.CaPath),
            certificatePem = await File.ReadAllTextAsync(certificate),
            keyPem = await File.ReadAllTextAsync(key),
        }));
        // Nothing about the cloud in the configuration but where the file may be.
        await using var host = await HostProcess.StartAsync(data, appliance: new JsonObject
        {
            ["cloud"] = new JsonObject { ["provisioningFiles"] = new JsonArray(Path.Combine(data, "absent.json"), file), ["keepAliveSeconds"] = 2 },
        });
        await host.LoginAsync();
        var birth = await MosquittoSub.ReadAsync(_pki, _broker.Port, $"appliance/{CloudHost.Device}/state", 1, TimeSpan.FromSeconds(30));
        Assert.Equal("""{"state":"online"}""", birth[0]);
        Assert.Contains($"imported {file}", await IdentityHealthAsync(host));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "cloud", "device.key")));
    }

    [Fact]
    public async Task A_broken_provisioning_file_is_named_in_health_and_nothing_starts()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "broken")).FullName;
        var file = Path.Combine(data, "provisioning.json");
        await File.WriteAllTextAsync(file, """{ "deviceId": "dev-1", "brokers": ["127.0.0.1"], "caPem": "not a certificate" }""");
        await using var host = await HostProcess.StartAsync(data, appliance: new JsonObject
        {
            ["cloud"] = new JsonObject { ["provisioningFiles"] = new JsonArray(file) },
        });
        await host.LoginAsync();
        var health = await IdentityHealthAsync(host);
        Assert.Contains("provisioning file not imported", health);
        Assert.Contains("caPem", health);
        Assert.False((await CloudAsync(host)).GetProperty("enabled").GetBoolean());
        Assert.False(Directory.Exists(Path.Combine(data, "cloud")) && File.Exists(Path.Combine(data, "cloud", "provisioned.json")));
    }

    private static async Task<(HttpStatusCode, string?)> UploadAsync(HostProcess host, string pem)
    {
        using var response = await host.Client.PostAsync("/api/v1/cloud/certificate", new StringContent(pem, Encoding.ASCII));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString() : body.GetRawText());
    }
}
