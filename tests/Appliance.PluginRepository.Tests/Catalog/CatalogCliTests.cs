using Appliance.PluginRepository.Tests.Support;

namespace Appliance.PluginRepository.Tests.Catalog;

/// <summary><c>appliancectl plugins catalog|install|update</c> against the real host and the signed repository.</summary>
public sealed class CatalogCliTests(CatalogHost fixture) : IClassFixture<CatalogHost>
{
    private async Task<(int Code, string Stdout, string Stderr)> CtlAsync(params string[] args)
    {
        var token = fixture.Host.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        var config = Path.Combine(fixture.Repository.Root, "appliancectl.json");
        return await DotnetProgram.RunAsync(DotnetProgram.Dll("Appliancectl", "appliancectl"),
            ["--url", fixture.Host.BaseUri.ToString().TrimEnd('/'), "--token", token, "--insecure", .. args],
            new Dictionary<string, string> { ["APPLIANCECTL_CONFIG"] = config });
    }

    [Fact]
    public async Task The_cli_lists_the_catalog_installs_updates_and_is_refused_a_downgrade()
    {
        const string id = "test.catalog-cli";
        await fixture.PublishAsync(id, CatalogHost.Ok("1.0.0"), CatalogHost.Ok("1.1.0"));

        var catalog = await CtlAsync("plugins", "catalog");
        Assert.True(catalog.Code == 0, catalog.Stderr);
        Assert.Contains("signed by repo", catalog.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(id)}\s+1\.1\.0\s+\S*\s*\d+\s+install\s*$", catalog.Stdout);

        var installed = await CtlAsync("plugins", "install", id, "--version", "1.0.0");
        Assert.True(installed.Code == 0, installed.Stderr);
        Assert.Contains($"installed {id} 1.0.0: Running", installed.Stdout, StringComparison.Ordinal);

        var updated = await CtlAsync("plugins", "update", id);
        Assert.True(updated.Code == 0, updated.Stderr);
        Assert.Contains($"updated {id} 1.1.0: Running", updated.Stdout, StringComparison.Ordinal);

        var downgrade = await CtlAsync("plugins", "update", id, "--version", "1.0.0");
        Assert.NotEqual(0, downgrade.Code);
        Assert.Contains("1.0.0 is older than the installed 1.1.0; a downgrade needs force", downgrade.Stderr, StringComparison.Ordinal);
        await fixture.AssertRunningAsync(id, "1.1.0");

        var forced = await CtlAsync("plugins", "update", id, "--version", "1.0.0", "--force");
        Assert.True(forced.Code == 0, forced.Stderr);
        await fixture.AssertRunningAsync(id, "1.0.0");
    }
}
