using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Api.Tests.Support;
using Appliance.CloudLink;
using Appliance.Host.Cloud;
using Appliance.Host.Configuration;
using Appliance.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Api.Tests.Backup;

/// <summary>
/// A site that reaches the internet only through its HTTP proxy (<c>network.proxy</c>): the cloud's file transfers
/// (backup upload here) go through it as CONNECT tunnels (real tinyproxy), and with the proxy gone they fail clearly
/// instead of going direct.
/// </summary>
public sealed class CloudTransferProxyTests : IAsyncLifetime
{
    private const string Passphrase = "fleet backup passphrase";
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-proxy-").FullName;
    private Tinyproxy _proxy = null!;
    private InProcessHost _host = null!;
    private TestPki _pki = null!;
    private HttpsFileReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _proxy = await Tinyproxy.StartAsync(_folder);
        _host = await InProcessHost.StartAsync(new JsonObject { ["network"] = new JsonObject { ["proxy"] = $"127.0.0.1:{_proxy.Port}" } });
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _receiver = await HttpsFileReceiver.StartAsync(_pki, "backups");
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _host.DisposeAsync();
        _proxy.Dispose();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<CommandResult> Run(string requestId) =>
        _host.App.Services.GetRequiredService<CloudCommands>().RunAsync(
            new IncomingCommand(JsonSerializer.SerializeToUtf8Bytes(new { requestId, command = "backup", args = new { url = $"{_receiver.BaseUrl}/upload/{requestId}", passphrase = Passphrase } }), null, null),
            "dev-1", new CloudOptions { Commands = ["backup"], CaFile = _pki.CaPath }, new ReplayGuard(TimeProvider.System), 64 * 1024, CancellationToken.None);

    [Fact]
    public async Task A_backup_upload_goes_through_the_sites_proxy_and_fails_clearly_without_it()
    {
        var sent = await Run("via-proxy");
        Assert.True(sent.Status == "ok", $"{sent.Code}: {sent.Message}");
        Assert.True(_receiver.Stored.ContainsKey("via-proxy"));
        var port = new Uri(_receiver.BaseUrl).Port;
        await Eventually.UntilAsync(() => _proxy.Log.Contains($"CONNECT 127.0.0.1:{port}", StringComparison.Ordinal), "tinyproxy logged the tunnel to the receiver", diagnostics: () => _proxy.Log);

        _proxy.Stop();
        var refused = await Run("no-proxy");
        Assert.Equal(("error", "transport"), (refused.Status, refused.Code));
        Assert.False(_receiver.Stored.ContainsKey("no-proxy"));
    }
}
