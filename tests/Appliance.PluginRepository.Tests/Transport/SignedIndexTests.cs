using System.Text;
using Appliance.Core.PluginRepository;
using Appliance.PluginRepository.Tests.Support;

namespace Appliance.PluginRepository.Tests.Transport;

/// <summary>The index over HTTPS from the loopback repository server: only a signature by a trusted key gets it read.</summary>
public sealed class SignedIndexTests : IAsyncLifetime
{
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        _served = await ServedRepository.StartAsync();
        _served.PublishRandomPackage(1000, serial: 7);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    private Task<Abstractions.Result<VerifiedIndex>> FetchAsync(IReadOnlyList<TrustedKey>? keys = null) =>
        _served.Client(_served.Settings()).FetchIndexAsync(_served.Server.BaseUri, keys ?? _served.Repository.Keys, CancellationToken.None);

    [Fact]
    public async Task A_signed_index_is_fetched_verified_and_read()
    {
        var fetched = await FetchAsync();
        Assert.True(fetched.IsOk, fetched.Failure?.ToString());
        Assert.Equal(("repo", 7L), (fetched.Value.KeyName, RepositoryFacade.Serial(fetched.Value.Index.Value)));
        Assert.Contains(_served.Server.Requests, r => r.StartsWith("GET /repo/index.json.sig", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_index_signed_with_another_key_is_refused()
    {
        using var other = new TestRepository("other");
        _served.Repository.WriteSigned(File.ReadAllBytes(Path.Combine(_served.Repository.Folder, "index.json")), other.Seed);
        var fetched = await FetchAsync();
        Assert.Equal("bad-signature", fetched.Failure?.Code);
        Assert.Contains("(repo)", fetched.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_in_the_index_is_refused()
    {
        var path = Path.Combine(_served.Repository.Folder, "index.json");
        var bytes = File.ReadAllBytes(path);
        var at = Encoding.ASCII.GetString(bytes).IndexOf("\"serial\": 7", StringComparison.Ordinal) + "\"serial\": ".Length;
        bytes[at] = (byte)'9';
        File.WriteAllBytes(path, bytes);
        Assert.Equal("bad-signature", (await FetchAsync()).Failure?.Code);
    }

    [Fact]
    public async Task A_missing_signature_or_no_trusted_key_is_refused()
    {
        Assert.Equal("untrusted", (await FetchAsync([])).Failure?.Code);
        File.Delete(Path.Combine(_served.Repository.Folder, "index.json.sig"));
        var fetched = await FetchAsync();
        Assert.Equal("not-found", fetched.Failure?.Code);
        Assert.Contains("index.json.sig: HTTP 404", fetched.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_but_invalid_index_is_refused_with_its_errors()
    {
        _served.Repository.WriteSigned(Encoding.UTF8.GetBytes("{\"format\": 1, \"serial\": \"eight\"}"));
        var fetched = await FetchAsync();
        Assert.Equal("malformed", fetched.Failure?.Code);
        Assert.Contains("serial: expected a number", fetched.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_server_certificate_or_plain_http_is_refused()
    {
        var settings = _served.Settings() with { TrustedCaFile = null };
        var fetched = await _served.Client(settings).FetchIndexAsync(_served.Server.BaseUri, _served.Repository.Keys, CancellationToken.None);
        Assert.Equal("transport", fetched.Failure?.Code);
        Assert.Equal("refused", RepositoryClient.BaseUri("http://127.0.0.1:1/repo", allowPlainHttp: false).Failure?.Code);
        Assert.True(RepositoryClient.BaseUri("http://127.0.0.1:1/repo", allowPlainHttp: true).IsOk);
        Assert.Equal("malformed", RepositoryClient.BaseUri("ftp://127.0.0.1/repo", allowPlainHttp: true).Failure?.Code);
    }

    [Fact]
    public async Task A_repository_that_answers_slowly_forever_times_out()
    {
        _served.Server.SlowForever = true;
        var started = DateTime.UtcNow;
        var fetched = await _served.Client(_served.Settings(TimeSpan.FromSeconds(2))).FetchIndexAsync(_served.Server.BaseUri, _served.Repository.Keys, CancellationToken.None);
        Assert.Equal("timeout", fetched.Failure?.Code);
        Assert.Contains("no complete answer within 2 s", fetched.Failure!.Message, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }
}
