using System.Net.Http.Headers;
using Appliance.PluginRepository.Tests.Support;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary>
/// What the host refuses from its repository, each with a clear error and the running version untouched: a flipped
/// byte in a package, a wrong key, an expired or replayed index, another hardware model, a downgrade (allowed with
/// force), an unsigned zip, a repository that answers slowly forever.
/// </summary>
public sealed class CatalogRefusalTests(CatalogHost fixture) : IClassFixture<CatalogHost>
{
    private async Task<(int Status, string Code, string Detail)> UpdateAsync(string id, string query = "")
    {
        using var response = await fixture.PostAsync(id, "update", query);
        return await CatalogHost.ProblemAsync(response);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_package_is_refused()
    {
        const string id = "test.refuse-flipped";
        await fixture.InstallRunningAsync(id, "1.0.0", CatalogHost.Ok("1.1.0"));
        var path = fixture.Repository.PackagePath(id, "1.1.0");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var (status, code, detail) = await UpdateAsync(id);
        Assert.Equal((502, "bad-hash"), (status, code));
        Assert.Contains("does not match the signed index", detail, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task An_index_signed_with_a_wrong_key_is_refused()
    {
        const string id = "test.refuse-key";
        await fixture.InstallRunningAsync(id, "1.0.0", CatalogHost.Ok("1.1.0"));
        using var other = new TestRepository("intruder");
        fixture.Repository.WriteSigned(File.ReadAllBytes(Path.Combine(fixture.Repository.Folder, "index.json")), other.Seed);
        Assert.Equal((502, "bad-signature"), CatalogHost.StatusAndCode(await UpdateAsync(id)));
        using (var catalog = await fixture.Host.Client.GetAsync("/api/v1/plugins/catalog"))
            Assert.Equal((502, "bad-signature"), CatalogHost.StatusAndCode(await CatalogHost.ProblemAsync(catalog)));
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task An_expired_index_is_refused()
    {
        const string id = "test.refuse-expired";
        await fixture.InstallRunningAsync(id, "1.0.0");
        fixture.Repository.Publish(fixture.NextSerial(), [TestRepository.Stable(await fixture.ZipAsync(id, "1.1.0"))],
            validFor: TimeSpan.FromDays(1), published: TestRepository.Now.AddDays(-2));
        var (status, code, detail) = await UpdateAsync(id);
        Assert.Equal((502, "expired"), (status, code));
        Assert.Contains("the repository index expired at", detail, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task A_replayed_older_index_is_refused()
    {
        const string id = "test.refuse-replay";
        var older = fixture.NextSerial();
        await fixture.InstallRunningAsync(id, "1.0.0");
        // A signed index the repository really published, but older than the one the host has seen.
        fixture.Repository.Publish(older, [TestRepository.Stable(await fixture.ZipAsync(id, "1.1.0"))]);
        var (status, code, detail) = await UpdateAsync(id);
        Assert.Equal((502, "replayed"), (status, code));
        Assert.Contains($"serial {older}, older than serial", detail, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task A_package_for_another_hardware_model_is_refused()
    {
        const string id = "test.refuse-hardware";
        await fixture.InstallRunningAsync(id, "1.0.0", ("1.1.0", "ok", ["rpi5"]));
        var (status, code, detail) = await UpdateAsync(id, "?version=1.1.0");
        Assert.Equal((409, "hardware"), (status, code));
        Assert.Contains($"built for hardware model(s) rpi5, not for this appliance ({CatalogHost.Model})", detail, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task A_downgrade_is_refused_unless_forced()
    {
        const string id = "test.refuse-downgrade";
        await fixture.InstallRunningAsync(id, "1.1.0", CatalogHost.Ok("1.0.0"));
        var (status, code, detail) = await UpdateAsync(id, "?version=1.0.0");
        Assert.Equal((409, "downgrade"), (status, code));
        Assert.Contains("1.0.0 is older than the installed 1.1.0; a downgrade needs force", detail, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.1.0");
        using (var forced = await fixture.PostAsync(id, "update", "?version=1.0.0&force=true"))
            Assert.True(forced.IsSuccessStatusCode, await forced.Content.ReadAsStringAsync());
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task An_unsigned_zip_is_refused_when_allowUnsigned_is_off()
    {
        const string id = "test.refuse-unsigned";
        await fixture.InstallRunningAsync(id, "1.0.0");
        using var content = new ByteArrayContent(File.ReadAllBytes(await fixture.ZipAsync(id, "1.5.0")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await fixture.Host.Client.PostAsync("/api/v1/plugins", content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("unsigned packages are refused (plugins.allowUnsigned is off)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }

    [Fact]
    public async Task A_repository_that_answers_slowly_forever_gives_a_timeout()
    {
        const string id = "test.refuse-slow";
        await fixture.InstallRunningAsync(id, "1.0.0", CatalogHost.Ok("1.1.0"));
        fixture.Server.SlowForever = true;
        try
        {
            var (status, code, detail) = await UpdateAsync(id);
            Assert.Equal((504, "timeout"), (status, code));
            Assert.Contains("no complete answer within 3 s", detail, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Server.SlowForever = false;
        }
        await fixture.AssertRunningAsync(id, "1.0.0");
    }
}
