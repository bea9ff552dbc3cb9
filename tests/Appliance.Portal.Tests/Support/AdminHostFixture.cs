using Appliance.Testing;

namespace Appliance.Portal.Tests.Support;

/// <summary>A real host child process whose administrator exists (created through the API), shared by the page tests.</summary>
public sealed class AdminHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync();
        await Host.LoginAsync();
    }

    public async Task DisposeAsync()
    {
        var data = Host.DataDirectory;
        await Host.DisposeAsync();
        TempDirectory.Delete(data);
    }
}

public static class TempDirectory
{
    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
