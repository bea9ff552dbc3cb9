namespace Appliance.Isolation.Supervision;

/// <summary>Resource limits of a plugin's process (null: not limited). From the manifest, overridden by configuration.</summary>
public sealed record ProcessLimits(int? MemoryMiB = null, int? CpuPercent = null, int? OpenFiles = null)
{
    /// <summary>The manifest's limits with each configured value taking precedence.</summary>
    public ProcessLimits Over(ProcessLimits? configured) => configured is null
        ? this
        : new(configured.MemoryMiB ?? MemoryMiB, configured.CpuPercent ?? CpuPercent, configured.OpenFiles ?? OpenFiles);
}

/// <summary>What to run: a plugin folder (shadow copy) and its entry assembly, with its limits.</summary>
public sealed record IsolatedPluginSpec(string PluginId, string Version, string RuntimeFolder, string EntryAssembly, ProcessLimits Limits);

/// <summary>
/// How the host supervises isolated plugins. Backoff: the n-th restart in a row waits <see cref="Backoff"/>[n]
/// (the last value repeats); <see cref="MaxCrashes"/> crashes within <see cref="CrashWindow"/> quarantine the plugin.
/// </summary>
public sealed record SupervisorOptions
{
    /// <summary>The plugin-host program (<c>Appliance.PluginHost.dll</c>, run with <c>dotnet</c>, or an executable).</summary>
    public string PluginHostPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "Appliance.PluginHost.dll");

    /// <summary>Where Unix sockets and stream rings live (rings: <c>rings/</c>, sockets: <c>sockets/</c>).</summary>
    public string? RuntimeDirectory { get; init; }

    /// <summary>User the child runs as when the host is root (null: the host's own user).</summary>
    public string? RunAsUser { get; init; }

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A child that does not answer a ping within this is killed (and restarted).</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<TimeSpan> Backoff { get; init; } =
        [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public int MaxCrashes { get; init; } = 5;

    public TimeSpan CrashWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest frame payload either side accepts.</summary>
    public int MaxFramePayload { get; init; } = Wire.FrameReader.DefaultMaxPayload;
}
