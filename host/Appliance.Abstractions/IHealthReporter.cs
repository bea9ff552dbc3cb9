namespace Appliance.Abstractions;

public enum HealthState { Healthy, Degraded, Unhealthy }

/// <summary>Health of one named component of a plugin (e.g. <c>camera/lobby</c>). Latest report wins.</summary>
public sealed record HealthReport(string Component, HealthState State, string Message, DateTimeOffset At);

public interface IHealthReporter
{
    void Report(string component, HealthState state, string message);

    /// <summary>Forgets a component (e.g. a camera that was removed).</summary>
    void Clear(string component);
}
