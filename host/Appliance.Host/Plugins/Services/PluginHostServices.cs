using Appliance.Abstractions.Services;
using Appliance.Host.Auth;
using Appliance.Host.Events;

namespace Appliance.Host.Plugins.Services;

/// <summary>The HostApi 1.1 services, handed to each plugin context as views scoped to that plugin.</summary>
public sealed class PluginHostServices(
    HostSettingsView settings,
    PluginSecretStore secrets,
    UserStore users,
    LoginService logins,
    UserDigests digests,
    PluginMetricsRegistry metrics,
    EventTypeCatalog events,
    OutboxEventBus bus,
    Appliance.Host.DataUse.DataUseStore dataUse)
{
    public IHostSettings Settings => settings;

    public PluginSecretStore Secrets => secrets;

    public UserDigests Digests => digests;

    public EventTypeCatalog Events => events;

    public IUserVerifier UsersFor(IReadOnlyCollection<string> realms) => new UserVerifier(users, logins, digests, realms);

    public IPluginMetrics MetricsFor(string pluginId) => metrics.For(pluginId);

    public IDataUse DataUseFor(string pluginId) => dataUse.For(pluginId);

    /// <summary>The services over one database and key, for a host built by hand (tests, tools) rather than by DI.</summary>
    public static PluginHostServices Create(Appliance.Host.Configuration.ApplianceOptions options, Appliance.Host.Storage.Database database, Appliance.Host.Security.SecretBox box, OutboxEventBus bus)
    {
        var fixedOptions = Microsoft.Extensions.Options.Options.Create(options);
        var users = new UserStore(database, box, fixedOptions, TimeProvider.System);
        var logins = new LoginService(users, new LoginThrottle(TimeProvider.System), new SourceAddresses(fixedOptions),
            new LdapDirectoryLogin(fixedOptions, Microsoft.Extensions.Logging.Abstractions.NullLogger<LdapDirectoryLogin>.Instance),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LoginService>.Instance);
        return new PluginHostServices(
            new HostSettingsView(new FixedOptions(options)), new PluginSecretStore(database, box), users, logins,
            new UserDigests(database, box, users), new PluginMetricsRegistry(Prometheus.Metrics.NewCustomRegistry()),
            new EventTypeCatalog(), bus, new Appliance.Host.DataUse.DataUseStore(database, TimeProvider.System));
    }

    private sealed class FixedOptions(Appliance.Host.Configuration.ApplianceOptions value) : Microsoft.Extensions.Options.IOptionsMonitor<Appliance.Host.Configuration.ApplianceOptions>
    {
        public Appliance.Host.Configuration.ApplianceOptions CurrentValue => value;

        public Appliance.Host.Configuration.ApplianceOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<Appliance.Host.Configuration.ApplianceOptions, string?> listener) => null;
    }

    internal Appliance.Abstractions.Events.INamedEvents NamedEventsFor(string pluginId, Appliance.Abstractions.Events.IEventBus pluginBus) =>
        new PluginNamedEvents(events, bus, pluginBus, pluginId);
}
