namespace Appliance.Isolation.Supervision;

/// <summary>An isolated plugin's process could not be started, broke the protocol, or crashed too often.</summary>
public sealed class IsolatedPluginException(string message, Exception? inner = null) : Exception(message, inner);
