using System.Text;
using Appliance.Core.PluginRepository;

namespace Appliance.PluginRepository.Tests.Index;

/// <summary>The index reader (Core RepositoryIndex through the facade): bad input gives every error with its path, never an exception.</summary>
public sealed class IndexReadingTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static string Package(string id = "test.probe", string version = "1.0.0", string url = "packages/p.zip", string sha = Sha, string hardware = "[\"*\"]", string size = "100", string extra = "") =>
        $$"""{ "id": "{{id}}", "version": "{{version}}", "hostApi": "1.0", "hardware": {{hardware}}, "url": "{{url}}", "size": {{size}}, "sha256": "{{sha}}"{{extra}} }""";

    private static string Index(string stable, string serial = "3", string published = "2026-12-01T00:00:00Z", string expires = "2026-12-31T00:00:00Z", string extra = "") =>
        $$"""{ "format": 1, "serial": {{serial}}, "published": "{{published}}", "expires": "{{expires}}", "channels": { "stable": [ {{stable}} ] }{{extra}} }""";

    private static IndexCheck Read(string json) => RepositoryFacade.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_valid_index_reads_and_writes_back_the_same()
    {
        var check = Read(Index(Package()));
        Assert.True(check.IsValid, string.Join("; ", check.Errors));
        Assert.Equal(3, RepositoryFacade.Serial(check.Valid));
        var line = Assert.Single(RepositoryFacade.Lines(check.Valid, "stable", "rpi4", 1, 1));
        Assert.Equal(("test.probe", "1.0.0", 100L, Sha), (line.Package.Id, line.Package.Version, line.Package.Size, line.Package.Sha256));
        var written = RepositoryFacade.Build(3, RepositoryFacade.Published(check.Valid), RepositoryFacade.Expires(check.Valid),
            [Tuple.Create("stable", line.Package)]);
        Assert.True(written.IsOk);
        var again = RepositoryFacade.Parse(written.Value);
        Assert.Equal(check.Valid, again.Valid);
    }

    [Theory]
    [InlineData("", "the index is empty")]
    [InlineData("{", "invalid JSON")]
    [InlineData("[]", "the index must be a JSON object, got an array")]
    [InlineData("null", "got null")]
    public void Not_an_index_is_refused_with_a_reason(string json, string expected)
    {
        var check = Read(json);
        Assert.False(check.IsValid);
        Assert.Contains(check.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_index_over_4_MiB_is_refused_before_it_is_parsed()
    {
        var check = RepositoryFacade.Parse(new byte[RepositoryIndex.MaxIndexBytes + 1]);
        Assert.Contains(check.Errors, e => e.Contains("the limit is 4194304 bytes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../secret.zip")]
    [InlineData("/etc/passwd")]
    [InlineData("https://elsewhere.example/p.zip")]
    [InlineData("packages/./p.zip")]
    [InlineData("packages//p.zip")]
    [InlineData("packages/p.zip?x=1")]
    [InlineData("packages\\\\p.zip")]
    public void A_package_url_outside_the_repository_is_refused(string url)
    {
        var check = Read(Index(Package(url: url)));
        Assert.False(check.IsValid);
        Assert.Contains(check.Errors, e => e.StartsWith("channels.stable[0].url: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sha", "0123", "channels.stable[0].sha256")]
    [InlineData("sha", "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "channels.stable[0].sha256")]
    [InlineData("size", "0", "channels.stable[0].size")]
    [InlineData("size", "-5", "channels.stable[0].size")]
    [InlineData("size", "\"100\"", "channels.stable[0].size")]
    [InlineData("size", "600000000", "channels.stable[0].size")]
    [InlineData("hardware", "[]", "channels.stable[0].hardware")]
    [InlineData("hardware", "\"rpi4\"", "channels.stable[0].hardware")]
    [InlineData("hardware", "[\"Raspberry Pi\"]", "channels.stable[0].hardware[0]")]
    [InlineData("id", "Not An Id", "channels.stable[0].id")]
    [InlineData("version", "1.0", "channels.stable[0].version")]
    public void A_bad_package_field_is_named_with_its_path(string field, string value, string path)
    {
        var package = field switch
        {
            "sha" => Package(sha: value),
            "size" => Package(size: value),
            "hardware" => Package(hardware: value),
            "id" => Package(id: value),
            _ => Package(version: value),
        };
        var check = Read(Index(package));
        Assert.False(check.IsValid);
        Assert.Contains(check.Errors, e => e.StartsWith(path + ": ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_not_only_the_first()
    {
        var check = Read(Index(Package(sha: "x", size: "0", url: "../x"), serial: "-1", expires: "tomorrow"));
        Assert.False(check.IsValid);
        foreach (var path in new[] { "serial", "expires", "channels.stable[0].sha256", "channels.stable[0].size", "channels.stable[0].url" })
            Assert.Contains(check.Errors, e => e.StartsWith(path + ": ", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_fields_duplicates_and_a_wrong_format_are_refused()
    {
        var check = Read(Index(Package() + ", " + Package(), extra: ", \"mirror\": \"x\"").Replace("\"format\": 1", "\"format\": 2"));
        Assert.False(check.IsValid);
        Assert.Contains(check.Errors, e => e.StartsWith("mirror: unknown field", StringComparison.Ordinal));
        Assert.Contains(check.Errors, e => e.Contains("test.probe 1.0.0 is listed more than once", StringComparison.Ordinal));
        Assert.Contains(check.Errors, e => e.StartsWith("format: format 2", StringComparison.Ordinal));
        Assert.Contains(Read(Index(Package(extra: ", \"evil\": true"))).Errors, e => e.StartsWith("channels.stable[0].evil: unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void Expiry_must_follow_publication_and_times_must_be_utc()
    {
        Assert.Contains(Read(Index(Package(), expires: "2026-11-01T00:00:00Z")).Errors, e => e == "expires: is not after published");
        Assert.Contains(Read(Index(Package(), published: "2026-12-01T00:00:00+02:00")).Errors, e => e.StartsWith("published: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_channel_name_that_is_not_a_name_is_refused()
    {
        var check = Read(Index(Package()).Replace("\"stable\"", "\"Stable Channel\""));
        Assert.Contains(check.Errors, e => e.StartsWith("channels.Stable Channel: is not a channel name", StringComparison.Ordinal));
    }
}
