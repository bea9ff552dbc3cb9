using Appliance.Abstractions.Media;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Appliance.Host.Plugins;
using Appliance.Host.Security;
using Appliance.Host.Storage;
using Appliance.Host.SystemServices;
using Appliance.Host.SystemServices.Liveness;
using Appliance.Streams;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Host;

public static class ServiceRegistration
{
    /// <summary>The host's own services. Each is one instance for the whole host (no static state).</summary>
    public static IServiceCollection AddApplianceServices(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton(TimeProvider.System);
        // UseSystemd() registers the notifier only under systemd; outside it, a notifier that reports IsEnabled = false.
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddDataProtection()
            .SetApplicationName("appliance")
            .PersistKeysToFileSystem(new DirectoryInfo(options.DataPath("data-protection")));
        services.AddSingleton(_ =>
        {
            var db = new Database(options.DataPath("appliance.db"));
            db.Migrate();
            return db;
        });
        services.AddSingleton(_ => new SecretBox(options.DataPath("secrets", "secret.key")));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton<OutboxEventBus>();
        services.AddSingleton<HealthRegistry>();
        services.AddSingleton<IStreamHub>(_ => new StreamHub());
        services.AddSingleton<CameraStore>();
        services.AddSingleton<PluginRouteTable>();
        services.AddSingleton<HostFootprint>();
        services.AddSingleton(_ => new PluginFolders(options.DataPath()));
        services.AddSingleton<PluginStateStore>();
        services.AddSingleton<IPluginAssemblyLoader, McMasterPluginLoader>();
        services.AddSingleton<PluginManager>();
        services.AddSingleton<SystemInfo>();
        services.AddSingleton<DiscoveredDevices>();
        services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton<FirewallService>();
        services.AddSingleton<NetworkDoctorService>();
        services.AddSingleton<SocketAuditService>();
        services.AddHostedService<PluginHostService>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketAuditService>());
        services.AddHostedService<FirewallEnforcer>();
        services.AddHostedService<Events.OutboxPruner>();
        services.AddHostedService<DiscoveryListener>();
        services.AddSingleton<ILivenessCheck, PluginManagerLivenessCheck>();
        services.AddSingleton<ILivenessCheck, OutboxLivenessCheck>();
        services.AddSingleton<ILivenessCheck, HttpLivenessCheck>();
        services.AddSingleton<WatchdogRound>();
        services.AddHostedService<SystemdWatchdog>();
        services.AddHostedService<DemoCameraSeeder>();
        return services;
    }
}
