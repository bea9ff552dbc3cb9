using System.Text.Json;
using Appliance.Host.Cloud;
using Appliance.Host.Configuration;
using Appliance.Testing;

namespace Appliance.Api.Tests.Cloud;

/// <summary>The provisioning file alone: what it must hold, hostile and broken files, and what an import writes.</summary>
public sealed class ProvisioningFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-provfile-").FullName;
    private readonly TestPki _pki;

    public ProvisioningFileTests() => _pki = TestPki.Create(Path.Combine(_folder, "pki"));

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Document(object? certificate = null, object? enrolment = null, string? brokers = "[\"mqtt.fleet.example:8883\"]", string? ca = null)
    {
        var (cert, key) = _pki.Client("dev-9");
        return $$"""
            { "deviceId": "dev-9", "brokers": {{brokers ?? "null"}}, "caPem": {{JsonSerializer.Serialize(ca ?? File.ReadAllText(_pki.CaPath))}},
              "certificatePem": {{JsonSerializer.Serialize(certificate is null ? File.ReadAllText(cert) : certificate)}},
              "keyPem": {{JsonSerializer.Serialize(certificate is null ? File.ReadAllText(key) : null)}},
              "enrolment": {{(enrolment is null ? "null" : JsonSerializer.Serialize(enrolment))}} }
            """;
    }

    [Fact]
    public void A_complete_file_is_imported_once_and_fills_only_what_the_configuration_leaves_unset()
    {
        var file = Path.Combine(_folder, "provisioning.json");
        File.WriteAllText(file, Document());
        var options = new ApplianceOptions { DataDirectory = Path.Combine(_folder, "data") };
        options.Cloud.ProvisioningFiles.Add(Path.Combine(_folder, "absent.json"));
        options.Cloud.ProvisioningFiles.Add(file);
        options.Cloud.TopicPrefix = "site";

        var outcome = ProvisioningFile.Import(options);
        Assert.Equal(file, outcome.Imported);
        Assert.Null(outcome.Problem);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(options.DataPath("cloud"), "device.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(options.DataPath("cloud"), "provisioned.json")));
        Assert.Equal(File.ReadAllText(_pki.CaPath), File.ReadAllText(Path.Combine(options.DataPath("cloud"), "fleet-ca.pem")));
        Assert.Equal(new ProvisioningFile.ImportOutcome(null, null), ProvisioningFile.Import(options)); // same content: nothing again

        options.Cloud.DeviceId = "configured-id";
        ProvisioningFile.Apply(options);
        Assert.True(options.Cloud.Enabled);
        Assert.Equal("configured-id", options.Cloud.DeviceId);
        Assert.Equal(["mqtt.fleet.example:8883"], options.Cloud.Brokers);
        Assert.Equal(Path.Combine(options.DataPath("cloud"), "fleet-ca.pem"), options.Cloud.CaFile);
        Assert.Equal("site", options.Cloud.TopicPrefix);
    }

    [Fact]
    public void Hostile_and_incomplete_files_import_nothing_and_say_every_problem()
    {
        Assert.Equal("malformed", ProvisioningFile.Parse("{ not json").Failure!.Code);
        Assert.Equal("malformed", ProvisioningFile.Parse("""{ "brokers": ["a:1"], "unexpected": 1 }""").Failure!.Code);
        Assert.Equal("too-large", ProvisioningFile.Parse(new string(' ', ProvisioningFile.MaxBytes + 1)).Failure!.Code);

        var broken = ProvisioningFile.Parse(Document(certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", brokers: "[\"no port here\"]", ca: "not a pem"));
        Assert.Equal("invalid", broken.Failure!.Code);
        var errors = broken.Failure.Errors;
        Assert.Contains(errors, e => e.StartsWith("brokers:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("caPem:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certificatePem and keyPem", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certificatePem: not", StringComparison.Ordinal));

        var plainEnrolment = ProvisioningFile.Parse(Document(enrolment: new { url = "http://est.example/.well-known/est", token = "t" }));
        Assert.Contains(plainEnrolment.Failure!.Errors, e => e.StartsWith("enrolment.url", StringComparison.Ordinal));

        var file = Path.Combine(_folder, "bad.json");
        File.WriteAllText(file, """{ "brokers": [] }""");
        var options = new ApplianceOptions { DataDirectory = Path.Combine(_folder, "bad-data") };
        options.Cloud.ProvisioningFiles.Add(file);
        var outcome = ProvisioningFile.Import(options);
        Assert.Null(outcome.Imported);
        Assert.Contains(file, outcome.Problem!.Message);
        Assert.False(Directory.Exists(options.DataPath("cloud")) && Directory.EnumerateFiles(options.DataPath("cloud")).Any());
        ProvisioningFile.Apply(options);
        Assert.False(options.Cloud.Enabled);
    }
}
