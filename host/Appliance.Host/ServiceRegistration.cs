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
        var secretBox = new SecretBox(options.DataPath("secrets", "secret.key"));
        services.AddDataProtection()
            .SetApplicationName("appliance")
            .PersistKeysToFileSystem(new DirectoryInfo(options.DataPath("data-protection")))
            .AddKeyManagementOptions(o => o.XmlEncryptor = new SealedXmlEncryptor(secretBox));
        services.AddSingleton(_ =>
        {
            var db = new Database(options.DataPath("appliance.db"));
            db.Migrate();
            return db;
        });
        services.AddSingleton(secretBox);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton<OutboxEventBus>();
        services.AddSingleton<Events.OutboxBudget>();
        services.AddSingleton<HealthRegistry>();
        services.AddSingleton<IStreamHub>(_ => new StreamHub());
        services.AddSingleton<CameraStore>();
        services.AddSingleton<InProcessPluginCall>();
        services.AddSingleton<CameraProbe>();
        services.AddSingleton<OnvifProfiles>();
        services.AddSingleton<OnvifCertificates>();
        services.AddSingleton<ProvenCameras>();
        services.AddSingleton<CameraAddresses>();
        services.AddSingleton<PluginRouteTable>();
        services.AddSingleton<PluginRequestDispatcher>();
        services.AddSingleton<Appliance.Host.Plugins.Services.HostSettingsView>();
        services.AddSingleton<Appliance.Host.Plugins.Services.PluginSecretStore>();
        services.AddSingleton<Appliance.Host.Plugins.Services.UserDigests>();
        services.AddSingleton<Appliance.Host.Plugins.Services.PluginMetricsRegistry>();
        services.AddSingleton<Appliance.Host.Plugins.Services.EventTypeCatalog>();
        services.AddSingleton<DataUse.DataUseStore>();
        services.AddSingleton<Appliance.Host.Plugins.Services.PluginHostServices>();
        services.AddSingleton<HostFootprint>();
        services.AddSingleton(_ => new PluginFolders(options.DataPath()));
        services.AddSingleton<PluginStateStore>();
        services.AddSingleton<Security.Report.SecurityFactsCollector>();
        services.AddSingleton<IPluginAssemblyLoader, McMasterPluginLoader>();
        services.AddSingleton<Appliance.Isolation.Supervision.IPluginProcessLauncher, Appliance.Isolation.Supervision.ChildProcessLauncher>();
        services.AddSingleton<IsolatedPluginLoader>();
        services.AddSingleton<PluginManager>();
        services.AddSingleton<Appliance.Host.PluginRepository.RepositorySerialStore>();
        services.AddSingleton<Appliance.Host.PluginRepository.CatalogProgress>();
        services.AddSingleton<Appliance.Host.PluginRepository.PluginCatalogService>();
        services.AddSingleton<SystemInfo>();
        services.AddSingleton<FirstRun.FirstRunProgress>();
        services.AddSingleton<FirstRun.DiscoverySwitches>();
        services.AddSingleton<Support.HostLogCollector>();
        services.AddSingleton<Support.SupportBundleBuilder>();
        services.AddHostedService<CpuSampler>();
        services.AddSingleton<DiscoveredDevices>();
        services.AddSingleton<Rules.RuleStore>();
        services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton<FirewallService>();
        services.AddSingleton<RequirementsSource>();
        services.AddSingleton<DoctorRunProgress>();
        services.AddSingleton<NetworkDoctorService>();
        services.AddSingleton<SocketAuditService>();
        services.AddSystemServices(options);
        // The host's own durable subscribers start before the plugins: a new subscription begins at the end of the
        // log, so one created after the plugins started would miss what they published at start (on a first boot,
        // the devices WS-Discovery found in the first second never reached the discovered list).
        services.AddHostedService<DiscoveryListener>();
        services.AddSingleton<Rules.EventSnapshots>();
        services.AddSingleton<Rules.EventSnapshotWait>();
        services.AddHostedService<Rules.RuleRunner>();
        services.AddSingleton(_ => new Backup.DeviceSigningKey(options.DataPath("secrets", "backup-signing.key")));
        services.AddSingleton<Backup.BackupCollector>();
        services.AddSingleton<Backup.BackupWriter>();
        services.AddSingleton<Backup.BackupService>();
        services.AddSingleton<Backup.PendingRestores>();
        services.AddHostedService<Backup.BackupSchedule>();
        services.AddSingleton<Cloud.CloudCounters>();
        services.AddSingleton<Cloud.Commands.ICloudCommandGroup, Cloud.Commands.PluginCommands>();
        services.AddSingleton<Cloud.Commands.ICloudCommandGroup, Cloud.Commands.BackupCommands>();
        services.AddSingleton<Cloud.Commands.ICloudCommandGroup, Cloud.Commands.SiteCommands>();
        services.AddSingleton<Cloud.CloudCommands>();
        services.AddSingleton<Cloud.CloudIdentity>();
        services.AddSingleton<Cloud.CloudLinkService>();
        services.AddHostedService(sp => sp.GetRequiredService<Cloud.CloudLinkService>());
        services.AddHostedService<Cloud.ProvisioningService>();
        services.AddHostedService<PluginHostService>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketAuditService>());
        services.AddHostedService<FirewallEnforcer>();
        services.AddHostedService<Events.OutboxPruner>();
        services.AddSingleton<ILivenessCheck, PluginManagerLivenessCheck>();
        services.AddSingleton<ILivenessCheck, OutboxLivenessCheck>();
        services.AddSingleton<ILivenessCheck, HttpLivenessCheck>();
        services.AddSingleton<WatchdogRound>();
        services.AddHostedService<SystemdWatchdog>();
        services.AddHostedService<SystemdReadiness>();
        services.AddHostedService<DemoCameraSeeder>();
        return services;
    }
}
