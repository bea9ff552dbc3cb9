namespace Appliance.SystemBus;

/// <summary>Where the bus is and how long a call may take. Production: the system bus; tests: a private bus's address.</summary>
public sealed class SystemBusOptions
{
    /// <summary>A D-Bus address (<c>unix:path=/run/dbus/system_bus_socket</c>, a private daemon's address); null or empty: the system bus.</summary>
    public string? Address { get; set; }

    /// <summary>How long one method call may wait for its reply.</summary>
    public double CallTimeoutSeconds { get; set; } = 10;

    /// <summary>How long a systemd job (a restart) may take to complete.</summary>
    public double JobTimeoutSeconds { get; set; } = 60;

    public TimeSpan CallTimeout => TimeSpan.FromSeconds(CallTimeoutSeconds);

    public TimeSpan JobTimeout => TimeSpan.FromSeconds(JobTimeoutSeconds);
}
