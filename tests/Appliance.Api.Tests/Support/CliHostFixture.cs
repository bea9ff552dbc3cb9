using Appliance.Testing;

namespace Appliance.Api.Tests.Support;

/// <summary>A real host child process with its administrator, and an appliancectl config logged in to it.</summary>
public sealed class CliHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public string Work { get; } = Directory.CreateTempSubdirectory("appl-cli-").FullName;

    public Appliancectl Cli { get; private set; } = null!;

    /// <summary>SHA-256 of the host's certificate, upper-case hex without separators.</summary>
    public string Fingerprint { get; private set; } = "";

    public string Url => Host.BaseUri.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync();
        await Host.LoginAsync();
        Fingerprint = Appliancectl.Fingerprint(Host);
        Cli = await Appliancectl.LoggedInAsync(Host, Path.Combine(Work, "config", "config.json"));
    }

    public static string Display(string hex) => string.Join(':', hex.Chunk(2).Select(c => new string(c)));

    public async Task DisposeAsync()
    {
        var data = Host.DataDirectory;
        await Host.DisposeAsync();
        foreach (var dir in new[] { data, Work })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliHostFixture>
{
    public const string Name = "appliancectl";
}
