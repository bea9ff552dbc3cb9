using Appliance.PluginRepository.Tests.Support;
using Appliance.Testing;

namespace Appliance.PluginRepository.Tests.Transport;

/// <summary>The repository through tinyproxy on loopback (HTTP/1.1 CONNECT), with and without basic auth.</summary>
public sealed class ProxyTests : IAsyncLifetime
{
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        _served = await ServedRepository.StartAsync();
        _served.PublishRandomPackage(200_000);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    private async Task<(Abstractions.Result<VerifiedIndex> Index, Abstractions.Result<string> Package)> ThroughAsync(Uri proxy, string? user, string? password)
    {
        var client = _served.Client(_served.Settings(proxy: proxy, user: user, password: password));
        var index = await client.FetchIndexAsync(_served.Server.BaseUri, _served.Repository.Keys, CancellationToken.None);
        var path = _served.Repository.PackagePath("test.random", "1.0.0");
        var package = await client.DownloadAsync(new Uri(_served.Server.BaseUri, "packages/test.random-1.0.0.zip"), new FileInfo(path).Length,
            ServedRepository.Sha256(path), Path.Combine(_served.Repository.Root, "proxied.part"), null, CancellationToken.None);
        return (index, package);
    }

    [Fact]
    public async Task Fetch_through_a_proxy_with_basic_auth_uses_connect()
    {
        using var proxy = await Tinyproxy.StartAsync(_served.Repository.Root, "appliance", "pr0xy-pass");
        var (index, package) = await ThroughAsync(proxy.Uri, "appliance", "pr0xy-pass");
        Assert.True(index.IsOk, index.Failure?.ToString());
        Assert.True(package.IsOk, package.Failure?.ToString());
        Assert.Contains($"CONNECT 127.0.0.1:{_served.Server.Port} HTTP/1.1", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_through_a_proxy_without_auth_uses_connect()
    {
        using var proxy = await Tinyproxy.StartAsync(_served.Repository.Root);
        var (index, _) = await ThroughAsync(proxy.Uri, null, null);
        Assert.True(index.IsOk, index.Failure?.ToString());
        Assert.Contains($"CONNECT 127.0.0.1:{_served.Server.Port} HTTP/1.1", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_proxy_password_is_a_clear_error()
    {
        using var proxy = await Tinyproxy.StartAsync(_served.Repository.Root, "appliance", "pr0xy-pass");
        var (index, _) = await ThroughAsync(proxy.Uri, "appliance", "wrong");
        Assert.False(index.IsOk);
        Assert.True(index.Failure!.Code == "transport", index.Failure.ToString());
        // tinyproxy answers a wrong BasicAuth password with 401 (not 407); the message names the proxy and the status.
        Assert.Contains($"proxy tunnel request to proxy 'http://127.0.0.1:{proxy.Port}/' failed with status code '401'", index.Failure.Message, StringComparison.Ordinal);
    }
}
