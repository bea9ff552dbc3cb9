using System.Diagnostics;
using Appliance.Testing;

namespace Appliance.Update.Tests;

/// <summary>
/// A scratch directory with an update CA made by <c>appliance-bundle ca</c> and a small ext4 root filesystem
/// (mkfs.ext4 -d over a random payload, so the squashfs is not empty), and the tool run as a process.
/// </summary>
public sealed class BundleRig : IDisposable
{
    public static string Tool => Path.Combine(RepoPaths.Root, "tools", "update-bundle", "appliance-bundle");

    private BundleRig(string directory) => Directory = directory;

    public string Directory { get; }
    public string Keys => Path.Combine(Directory, "keys");
    public string CaCert => Path.Combine(Keys, "ca.cert.pem");
    public string SigningCert => Path.Combine(Keys, "signing.cert.pem");
    public string SigningKey => Path.Combine(Keys, "signing.key.pem");
    public string RootFs => Path.Combine(Directory, "rootfs.img");

    public static async Task<BundleRig> CreateAsync()
    {
        var rig = new BundleRig(System.IO.Directory.CreateTempSubdirectory("appl-bundle-").FullName);
        (await RunAsync(Tool, "ca", rig.Keys)).EnsureSuccess();
        var root = System.IO.Directory.CreateDirectory(Path.Combine(rig.Directory, "root", "etc")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(root, "payload"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(256 * 1024));
        await File.WriteAllTextAsync(Path.Combine(root, "appliance-version"), "1.2.3\n");
        (await RunAsync("truncate", "-s", "8M", rig.RootFs)).EnsureSuccess();
        (await RunAsync("/usr/sbin/mkfs.ext4", "-q", "-F", "-d", Path.Combine(rig.Directory, "root"), rig.RootFs)).EnsureSuccess();
        return rig;
    }

    public Task<Run> BuildAsync(string bundle, string version = "1.2.3", string compatible = "appliance-amd64", string? cert = null, string? key = null) =>
        RunAsync(Tool, "build", "--rootfs", RootFs, "--version", version, "--compatible", compatible,
            "--cert", cert ?? SigningCert, "--key", key ?? SigningKey, "--keyring", CaCert, "--out", bundle);

    public Task<Run> InfoAsync(string bundle, string? keyring = null) => RunAsync(Tool, "info", "--keyring", keyring ?? CaCert, bundle);

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static async Task<Run> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new Run($"{file} {string.Join(' ', args)}", process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed record Run(string Command, int Exit, string Stdout, string Stderr)
{
    public Run EnsureSuccess() =>
        Exit == 0 ? this : throw new InvalidOperationException($"{Command} exited {Exit}: {Stderr}{Stdout}");
}
