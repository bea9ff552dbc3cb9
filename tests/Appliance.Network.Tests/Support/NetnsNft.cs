using System.Diagnostics;
using System.Security.Cryptography;

namespace Appliance.Network.Tests.Support;

/// <summary>
/// A throwaway network namespace (<c>appl-test-netui-*</c>) and an executable that runs the real
/// <c>/usr/sbin/nft</c> inside it. Configured as the host's <c>nftPath</c>, every apply and rollback of the host's
/// own code changes that namespace only, never this machine's firewall. Deleted on dispose.
/// </summary>
public sealed class NetnsNft : IDisposable
{
    private NetnsNft(string name, string directory)
    {
        Name = name;
        Directory = directory;
        NftPath = Path.Combine(directory, "nft-in-netns");
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>The wrapper to give the host as its nft.</summary>
    public string NftPath { get; }

    public static async Task<NetnsNft> CreateAsync()
    {
        var name = "appl-test-netui-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        var netns = new NetnsNft(name, System.IO.Directory.CreateTempSubdirectory("appl-netns-nft-").FullName);
        try
        {
            await RunAsync("ip", "netns", "add", name);
            await RunAsync("ip", "-n", name, "link", "set", "lo", "up");
            await File.WriteAllTextAsync(netns.NftPath, $"#!/bin/sh\nexec /usr/sbin/ip netns exec {name} /usr/sbin/nft \"$@\"\n");
            File.SetUnixFileMode(netns.NftPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return netns;
        }
        catch
        {
            netns.Dispose();
            throw;
        }
    }

    /// <summary><c>nft list table inet appliance</c> in the namespace, or null when the table does not exist.</summary>
    public async Task<string?> ListApplianceTableAsync()
    {
        var (code, stdout, _) = await TryRunAsync("ip", "netns", "exec", Name, "/usr/sbin/nft", "list", "table", "inet", "appliance");
        return code == 0 ? stdout : null;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var (code, stdout, stderr) = await TryRunAsync(file, args);
        if (code != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {stderr}{stdout}");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> TryRunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        using (var delete = Process.Start(new ProcessStartInfo("ip", ["netns", "delete", Name]) { RedirectStandardError = true, UseShellExecute = false }))
            delete?.WaitForExit(30_000);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
