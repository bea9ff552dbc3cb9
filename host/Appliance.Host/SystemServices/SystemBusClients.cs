using Appliance.Host.Configuration;
using Appliance.SystemBus;

namespace Appliance.Host.SystemServices;

/// <summary>Registers the bus connection (configured address, system bus by default) and the typed clients, and the services using them.</summary>
public static class SystemBusClients
{
    public static IServiceCollection AddSystemServices(this IServiceCollection services, ApplianceOptions options)
    {
        var settings = options.SystemServices;
        if (settings.NetworkBackend is not ("networkmanager" or "networkd"))
            throw new InvalidOperationException($"appliance.systemServices.networkBackend '{settings.NetworkBackend}' is not networkmanager or networkd");
        services.AddSingleton(_ => new BusConnection(new SystemBusOptions
        {
            Address = settings.BusAddress,
            CallTimeoutSeconds = settings.CallTimeoutSeconds,
            JobTimeoutSeconds = settings.JobTimeoutSeconds,
        }));
        services.AddSingleton<SystemdClient>();
        services.AddSingleton<TimedateClient>();
        services.AddSingleton<HostnameClient>();
        services.AddSingleton<LoginClient>();
        services.AddSingleton<NetworkManagerClient>();
        services.AddSingleton<INetworkSettingsBackend>(sp => settings.NetworkBackend == "networkd"
            ? new SystemBus.Networkd.NetworkdClient(sp.GetRequiredService<BusConnection>(), settings.NetworkdDirectory)
            : sp.GetRequiredService<NetworkManagerClient>());
        services.AddSingleton<JournalReader>();
        services.AddSingleton<ClockProbe>();
        services.AddSingleton<UnitsService>();
        services.AddSingleton<TimeSyncService>();
        services.AddSingleton<NetworkSettingsService>();
        services.AddHostedService<TimeHealthMonitor>();
        services.AddSingleton<SshService>();
        services.AddHostedService<SshStartup>();
        services.AddSingleton<RaucClient>();
        services.AddSingleton<Updates.BundleInspector>();
        services.AddSingleton<Updates.ImageUpdateLog>();
        services.AddSingleton<Updates.ImageUpdateService>();
        services.AddHostedService<Updates.BootVerdictService>();
        return services;
    }
}
