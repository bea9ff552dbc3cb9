using System.Text.Json;
using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus.Networkd;

/// <summary>
/// systemd-networkd (<c>org.freedesktop.network1</c>), narrowly: its links, the <c>.network</c> file it applies to
/// each (read for the IPv4 settings), and replacing an interface's settings: the appliance writes its own file for
/// the interface into <paramref name="directory"/> (<see cref="NetworkFile.FileName"/>, which sorts before the
/// image's defaults), then asks networkd to reload its files and reconfigure the link. Tested against a real
/// systemd-networkd on a private bus in a network namespace.
/// </summary>
public sealed class NetworkdClient(BusConnection bus, string directory) : INetworkSettingsBackend
{
    public const string Service = "org.freedesktop.network1";
    public const string ManagerPath = "/org/freedesktop/network1";
    public const string ManagerInterface = "org.freedesktop.network1.Manager";

    public string Directory => directory;

    public async Task<Result<IReadOnlyList<NetworkInterfaceState>>> ListAsync(CancellationToken ct)
    {
        var links = await ListLinksAsync(ct).ConfigureAwait(false);
        if (!links.IsOk) return Result<IReadOnlyList<NetworkInterfaceState>>.Fail(links.Failure!);
        var states = new List<NetworkInterfaceState>();
        foreach (var (index, name, path) in links.Value.Where(l => l.Name != "lo"))
        {
            var state = await LinkAsync(index, name, path, ct).ConfigureAwait(false);
            if (!state.IsOk) return Result<IReadOnlyList<NetworkInterfaceState>>.Fail(state.Failure!);
            states.Add(state.Value);
        }
        return states.OrderBy(s => s.Interface, StringComparer.Ordinal).ToList();
    }

    public async Task<Result<NetworkInterfaceState>> GetAsync(string interfaceName, CancellationToken ct)
    {
        var links = await ListLinksAsync(ct).ConfigureAwait(false);
        if (!links.IsOk) return Result<NetworkInterfaceState>.Fail(links.Failure!);
        return links.Value.FirstOrDefault(l => l.Name == interfaceName) is { Path: not null } link
            ? await LinkAsync(link.Index, link.Name, link.Path, ct).ConfigureAwait(false)
            : Result<NetworkInterfaceState>.Fail(BusFailures.NotFound, $"systemd-networkd has no link '{interfaceName}'");
    }

    /// <summary>Writes the interface's file (whole, then renamed into place), reloads networkd's files and reconfigures the link.</summary>
    public async Task<Result<NetworkInterfaceState>> ApplyAsync(string interfaceName, AddressSettings settings, CancellationToken ct)
    {
        var links = await ListLinksAsync(ct).ConfigureAwait(false);
        if (!links.IsOk) return Result<NetworkInterfaceState>.Fail(links.Failure!);
        if (links.Value.FirstOrDefault(l => l.Name == interfaceName) is not { Path: not null } link)
            return Result<NetworkInterfaceState>.Fail(BusFailures.NotFound, $"systemd-networkd has no link '{interfaceName}'");
        if (!NetworkFile.IsInterfaceName(interfaceName))
            return Result<NetworkInterfaceState>.Fail(BusFailures.Invalid, $"'{interfaceName}' cannot name a .network file");
        var file = Path.Combine(directory, NetworkFile.FileName(interfaceName));
        try
        {
            var staging = file + ".new";
            await File.WriteAllTextAsync(staging, NetworkFile.Render(interfaceName, settings), ct).ConfigureAwait(false);
            File.SetUnixFileMode(staging, (UnixFileMode)0b110_100_100); // networkd reads it as its own user, whatever our umask
            File.Move(staging, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<NetworkInterfaceState>.Fail(BusFailures.FileError, $"cannot write {file}: {e.Message}");
        }
        var reload = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "Reload"), null, ct).ConfigureAwait(false);
        if (!reload.IsOk) return Result<NetworkInterfaceState>.Fail(reload.Failure!);
        var reconfigure = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "ReconfigureLink", "i"),
            (ref MessageWriter w) => w.WriteInt32(link.Index), ct).ConfigureAwait(false);
        if (!reconfigure.IsOk) return Result<NetworkInterfaceState>.Fail(reconfigure.Failure!);
        return await LinkAsync(link.Index, link.Name, link.Path, ct).ConfigureAwait(false);
    }

    private Task<Result<List<(int Index, string Name, string Path)>>> ListLinksAsync(CancellationToken ct) =>
        bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "ListLinks"), null, "a(iso)", r =>
        {
            var links = new List<(int, string, string)>();
            var end = r.ReadArrayStart(DBusType.Struct);
            while (r.HasNext(end))
            {
                r.AlignStruct();
                links.Add((r.ReadInt32(), r.ReadString(), r.ReadObjectPathAsString()));
            }
            return Result<List<(int, string, string)>>.Ok(links);
        }, ct);

    /// <summary>The link as networkd describes it (<c>DescribeLink</c>, JSON) and the settings of the file it applies.</summary>
    private async Task<Result<NetworkInterfaceState>> LinkAsync(int index, string name, string path, CancellationToken ct)
    {
        var described = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "DescribeLink", "i"),
            (ref MessageWriter w) => w.WriteInt32(index), "s", r => Result<string>.Ok(r.ReadString()), ct).ConfigureAwait(false);
        if (!described.IsOk) return Result<NetworkInterfaceState>.Fail(described.Failure!);
        string? networkFile;
        try
        {
            using var json = JsonDocument.Parse(described.Value);
            networkFile = json.RootElement.TryGetProperty("NetworkFile", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (JsonException e)
        {
            return Result<NetworkInterfaceState>.Fail(BusFailures.Malformed, $"DescribeLink of {name} is not JSON: {e.Message}");
        }
        if (networkFile is null) return new NetworkInterfaceState(name, path, null, null, null);
        // networkd names the file as it sees it; one of the appliance's is read from the directory it was written to
        // (the same folder under another path in a test's mount namespace, or behind a symlink).
        var mine = Path.Combine(directory, Path.GetFileName(networkFile));
        var settings = await ReadFileAsync(File.Exists(mine) ? mine : networkFile, ct).ConfigureAwait(false);
        if (!settings.IsOk) return Result<NetworkInterfaceState>.Fail(settings.Failure!);
        return new NetworkInterfaceState(name, path, networkFile, Path.GetFileName(networkFile), settings.Value);
    }

    private static async Task<Result<AddressSettings>> ReadFileAsync(string file, CancellationToken ct)
    {
        try
        {
            var info = new FileInfo(file);
            if (info.Exists && info.Length > NetworkFile.MaxBytes) return Result<AddressSettings>.Fail(BusFailures.Invalid, $"{file}: larger than {NetworkFile.MaxBytes} bytes");
            return NetworkFile.Read(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<AddressSettings>.Fail(BusFailures.FileError, $"cannot read {file}, the file networkd applies: {e.Message}");
        }
    }
}
