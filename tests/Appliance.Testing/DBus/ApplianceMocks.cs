namespace Appliance.Testing.DBus;

/// <summary>
/// The services the appliance talks to, mocked on a <see cref="PrivateBus"/> the way the tests need them: systemd
/// with units (and the RestartUnit and Subscribe the template lacks), timedated, hostnamed (no template: a bare object),
/// logind, and NetworkManager with one ethernet device whose active profile is DHCP.
/// </summary>
public static class ApplianceMocks
{
    public const string Systemd = "org.freedesktop.systemd1";
    public const string SystemdPath = "/org/freedesktop/systemd1";
    public const string NetworkManager = "org.freedesktop.NetworkManager";
    public const string NetworkManagerPath = "/org/freedesktop/NetworkManager";

    /// <summary>Systemd with these units (active/running). RestartUnit emits JobRemoved before it replies, as a fast job can.</summary>
    public static async Task StartSystemdAsync(PrivateBus bus, params string[] units)
    {
        await bus.StartTemplateAsync("systemd", Systemd);
        foreach (var unit in units)
        {
            await bus.MockAsync(Systemd, SystemdPath, "AddMockUnit", "s", unit);
            var path = UnitPath(unit);
            await bus.MockAsync(Systemd, path, "UpdateProperties", "sa{sv}", "org.freedesktop.systemd1.Unit", "1", "ActiveState", "s", "active");
            await bus.MockAsync(Systemd, path, "AddProperties", "sa{sv}", "org.freedesktop.systemd1.Unit", "2",
                "SubState", "s", "running", "Description", "s", $"{unit} (mock)");
        }
        await bus.MockAsync(Systemd, SystemdPath, "AddMethod", "sssss", "org.freedesktop.systemd1.Manager", "Subscribe", "", "", "");
        await bus.MockAsync(Systemd, SystemdPath, "AddMethod", "sssss", "org.freedesktop.systemd1.Manager", "RestartUnit", "ss", "o",
            "self.next_job_id += 1; ret = dbus.ObjectPath('/org/freedesktop/systemd1/job/%d' % self.next_job_id); "
            + "self.EmitSignal('org.freedesktop.systemd1.Manager', 'JobRemoved', 'uoss', [dbus.UInt32(self.next_job_id), ret, args[0], 'failed' if args[0].startswith('broken') else 'done'])");
    }

    /// <summary>The object path the systemd template gives a unit (dots and dashes become underscores).</summary>
    public static string UnitPath(string unit) => SystemdPath + "/unit/" + unit.Replace('.', '_').Replace('-', '_');

    public static Task StartTimedatedAsync(PrivateBus bus, string timezone = "Etc/UTC") =>
        bus.StartTemplateAsync("timedated", "org.freedesktop.timedate1", $"{{\"Timezone\": \"{timezone}\"}}");

    public static Task StartLogindAsync(PrivateBus bus) => bus.StartTemplateAsync("logind", "org.freedesktop.login1");

    /// <summary>hostnamed has no dbusmock template: a bare object with its properties and SetStaticHostname.</summary>
    public static async Task StartHostnamedAsync(PrivateBus bus, string hostname)
    {
        const string name = "org.freedesktop.hostname1", path = "/org/freedesktop/hostname1";
        await bus.StartObjectAsync(name, path, name);
        await bus.MockAsync(name, path, "AddProperties", "sa{sv}", name, "2", "Hostname", "s", hostname, "StaticHostname", "s", hostname);
        await bus.MockAsync(name, path, "AddMethod", "sssss", name, "SetStaticHostname", "sb", "",
            $"self.Set('{name}', 'StaticHostname', args[0]); self.Set('{name}', 'Hostname', args[0])");
    }

    /// <summary>NetworkManager with an ethernet device <paramref name="interfaceName"/> whose active profile uses DHCP. Returns the device's path.</summary>
    public static async Task<string> StartNetworkManagerAsync(PrivateBus bus, string interfaceName = "eth0")
    {
        await bus.StartTemplateAsync("networkmanager", NetworkManager);
        var device = Unquote(await bus.MockAsync(NetworkManager, NetworkManagerPath, "AddEthernetDevice", "ssi", "mock_" + interfaceName, interfaceName, "100"));
        var connection = Unquote(await bus.BusctlOrThrowAsync("call", NetworkManager, NetworkManagerPath + "/Settings",
            "org.freedesktop.NetworkManager.Settings", "AddConnection", "a{sa{sv}}", "2",
            "connection", "3", "id", "s", "wired-" + interfaceName, "uuid", "s", Guid.NewGuid().ToString(), "type", "s", "802-3-ethernet",
            "ipv4", "1", "method", "s", "auto"));
        await bus.MockAsync(NetworkManager, NetworkManagerPath, "AddActiveConnection", "assssu", "1", device, connection, "/", "active_" + interfaceName, "2");
        return device;
    }

    /// <summary>busctl prints <c>s "text"</c> or <c>o "/path"</c>; the text without type and quotes.</summary>
    public static string Unquote(string busctlOutput)
    {
        var text = busctlOutput.Trim();
        var space = text.IndexOf(' ');
        return text[(space + 1)..].Trim('"');
    }

    public const string Rauc = "de.pengutronix.rauc";

    /// <summary>
    /// RAUC's installer (template <c>rauc_installer.py</c> beside this file): bundles are checked by the real rauc against
    /// <paramref name="keyring"/> and written into file-backed slots <c>rootfs.0</c>/<c>rootfs.1</c> in <paramref name="slots"/>.
    /// </summary>
    public static Task StartRaucAsync(PrivateBus bus, string keyring, string slots, string compatible = "appliance-amd64",
        string booted = "rootfs.0", string version = "1.0.0") =>
        bus.StartTemplateAsync(Path.Combine(RepoPaths.Root, "tests", "Appliance.Testing", "DBus", "rauc_installer.py"), Rauc,
            System.Text.Json.JsonSerializer.Serialize(new { keyring, slots, compatible, booted, version }));
}
