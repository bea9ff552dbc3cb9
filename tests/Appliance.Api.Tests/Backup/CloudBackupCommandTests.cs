using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Appliance.Api.Tests.Support;
using Appliance.CloudLink;
using Appliance.Host.Cloud;
using Appliance.Host.Configuration;
using Appliance.Host.Rules;
using Appliance.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Api.Tests.Backup;

/// <summary>
/// The cloud commands <c>backup</c> and <c>restore</c> run by the host's <see cref="CloudCommands"/> (as the link runs
/// a command from the broker) against a local HTTPS server whose certificate chains to the fleet CA.
/// </summary>
public sealed class CloudBackupCommandTests : IAsyncLifetime
{
    private const string Passphrase = "fleet backup passphrase";
    private InProcessHost _host = null!;
    private HttpsFileReceiver _receiver = null!;
    private TestPki _pki = null!;
    private string _base = "";
    private int _requestId;

    public async Task InitializeAsync()
    {
        _host = await InProcessHost.StartAsync();
        _pki = TestPki.Create(Path.Combine(_host.DataDirectory, "pki"));
        _receiver = await HttpsFileReceiver.StartAsync(_pki, "backups");
        _base = _receiver.BaseUrl;
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _pki.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<CommandResult> Run(string command, object args, string? caFile = "fleet", IEnumerable<string>? allowed = null)
    {
        var options = new CloudOptions { Commands = (allowed ?? ["backup", "restore"]).ToList(), CaFile = caFile == "fleet" ? _pki.CaPath : caFile };
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { requestId = $"r{Interlocked.Increment(ref _requestId)}", command, args });
        var commands = _host.App.Services.GetRequiredService<CloudCommands>();
        return await commands.RunAsync(new IncomingCommand(payload, null, null), "dev-1", options, new ReplayGuard(TimeProvider.System), 64 * 1024, CancellationToken.None);
    }

    private const string RuleJson = """
        { "id": "cloud-rule", "name": "Kept by the cloud", "trigger": { "events": ["MotionDetected"] }, "actions": [ { "type": "snapshot" } ] }
        """;

    [Fact]
    public async Task Backup_uploads_over_https_and_restore_by_command_brings_the_configuration_back()
    {
        var rules = _host.App.Services.GetRequiredService<RuleStore>();
        Assert.True(rules.Save(RuleJson, null).IsValid);

        var backup = await Run("backup", new { url = $"{_base}/upload/nightly", passphrase = Passphrase });
        Assert.True(backup.Status == "ok", $"{backup.Code}: {backup.Message}");
        var uploaded = _receiver.Stored["nightly"].Bytes;
        Assert.Equal(uploaded.Length, backup.Data!.Value.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(uploaded)), backup.Data.Value.GetProperty("sha256").GetString());
        Assert.Equal("APPLBKUP", Encoding.ASCII.GetString(uploaded, 0, 8));

        Assert.True(rules.Delete("cloud-rule"));
        var wrong = await Run("restore", new { url = $"{_base}/files/nightly", passphrase = "not the right passphrase" });
        Assert.Equal(("error", "wrong-passphrase"), (wrong.Status, wrong.Code));
        Assert.Null(rules.Get("cloud-rule"));

        var restore = await Run("restore", new { url = $"{_base}/files/nightly", passphrase = Passphrase });
        Assert.True(restore.Status == "ok", $"{restore.Code}: {restore.Message}");
        Assert.True(restore.Data!.Value.GetProperty("signedByThisDevice").GetBoolean());
        Assert.Contains(restore.Data.Value.GetProperty("changes").EnumerateArray(), c => c.GetProperty("id").GetString() == "cloud-rule" && c.GetProperty("change").GetString() == "added");
        Assert.NotNull(rules.Get("cloud-rule"));
    }

    [Fact]
    public async Task Backup_takes_the_configured_passphrase_when_the_command_names_none()
    {
        var options = new CloudOptions { Commands = ["backup"], CaFile = _pki.CaPath, BackupPassphrase = Passphrase };
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { requestId = "configured", command = "backup", args = new { url = $"{_base}/upload/configured" } });
        var result = await _host.App.Services.GetRequiredService<CloudCommands>()
            .RunAsync(new IncomingCommand(payload, null, null), "dev-1", options, new ReplayGuard(TimeProvider.System), 64 * 1024, CancellationToken.None);
        Assert.True(result.Status == "ok", $"{result.Code}: {result.Message}");
        Assert.True(Appliance.Host.Backup.BackupEnvelope.Open(_receiver.Stored["configured"].Bytes, Passphrase).IsOk);
    }

    [Fact]
    public async Task The_schedule_uploads_a_backup_every_interval()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new ApplianceOptions
        {
            Cloud = new CloudOptions { BackupIntervalHours = 6, BackupUrl = $"{_base}/upload/scheduled", BackupPassphrase = Passphrase, CaFile = _pki.CaPath },
        };
        using var schedule = new Appliance.Host.Backup.BackupSchedule(_host.App.Services.GetRequiredService<Appliance.Host.Backup.BackupService>(),
            Microsoft.Extensions.Options.Options.Create(options), _host.App.Services.GetRequiredService<Appliance.Host.DataUse.DataUseStore>(), clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Appliance.Host.Backup.BackupSchedule>.Instance);
        await schedule.StartAsync(CancellationToken.None);
        try
        {
            // ExecuteAsync runs on its own thread: the clock moves in half-hour steps until the upload is seen.
            var start = clock.GetUtcNow();
            await Eventually.UntilAsync(() =>
            {
                if (_receiver.Stored.ContainsKey("scheduled")) return true;
                clock.Advance(TimeSpan.FromMinutes(30));
                return false;
            }, "the scheduled backup was uploaded", TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(200));
            Assert.True(clock.GetUtcNow() - start >= TimeSpan.FromHours(6), $"uploaded after {clock.GetUtcNow() - start} of the 6 h interval");
            Assert.True(Appliance.Host.Backup.BackupEnvelope.Open(_receiver.Stored["scheduled"].Bytes, Passphrase).IsOk);

            // The upload is counted as backups in the data-use accounting (issue 20 item 5).
            var dataUse = _host.App.Services.GetRequiredService<Appliance.Host.DataUse.DataUseStore>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var backups = dataUse.Month(new DateOnly(today.Year, today.Month, 1)).Where(r => r.Category == "backups" && r.Source == "host").Sum(r => r.Bytes);
            Assert.True(backups >= _receiver.Stored["scheduled"].Bytes.Length, $"{backups} backup bytes counted, {_receiver.Stored["scheduled"].Bytes.Length} uploaded");
        }
        finally
        {
            await schedule.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Plain_http_untrusted_servers_missing_passphrases_and_commands_not_allowed_are_refused()
    {
        var http = await Run("backup", new { url = "http://127.0.0.1:9/upload/x", passphrase = Passphrase });
        Assert.Equal("malformed", http.Code);
        Assert.Contains("https", http.Message);
        var untrusted = await Run("backup", new { url = $"{_base}/upload/x", passphrase = Passphrase }, caFile: null);
        Assert.Equal("transport", untrusted.Code);
        var noPassphrase = await Run("backup", new { url = $"{_base}/upload/x" });
        Assert.Equal("invalid", noPassphrase.Code);
        var notAllowed = await Run("restore", new { url = $"{_base}/files/x", passphrase = Passphrase }, allowed: ["status"]);
        Assert.Equal("not-allowed", notAllowed.Code);
        var missing = await Run("restore", new { url = $"{_base}/files/none", passphrase = Passphrase });
        Assert.Equal("transport", missing.Code);
        Assert.False(_receiver.Stored.ContainsKey("x"));
    }
}
