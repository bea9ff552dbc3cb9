using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.Surface;

/// <summary>Finding "database files mode 644": everything under the data directory is the appliance's alone.</summary>
public sealed class DataDirectoryTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task EveryFileIsOwnerOnly_ALooseOneIsFixedAtStart_AndDataProtectionKeysAreSealed()
    {
        var data = Directory.CreateTempSubdirectory("appl-access-perm-").FullName;
        var loose = Path.Combine(data, "left-over.db");
        await File.WriteAllTextAsync(loose, "x");
        File.SetUnixFileMode(loose, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using (var host = await AccessHost.StartAsync(dataDirectory: data))
        {
            await host.SetUpAdminAsync();
            // A login makes the data-protection system create its key ring.
            using var client = host.Client(cookies: true);
            using (await client.PostAsync("/auth/login", AccessHost.Json(new { username = AccessHost.AdminUser, password = AccessHost.AdminPassword }))) { }

            var open = Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories)
                .Where(p => (File.GetUnixFileMode(p) & GroupOrOther) != 0).ToList();
            Assert.Empty(open);
            var keys = Directory.GetFiles(Path.Combine(data, "data-protection"), "*.xml");
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                var xml = await File.ReadAllTextAsync(key);
                Assert.True(xml.Contains(">v1:", StringComparison.Ordinal) && xml.Contains("SealedXmlDecryptor", StringComparison.Ordinal), xml);
                Assert.DoesNotContain("<masterKey", xml);
            }
        }
    }
}
