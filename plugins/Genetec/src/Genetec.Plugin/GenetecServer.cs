using Appliance.Plugins.Genetec.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Genetec;

/// <summary>
/// One configured Security Center server: the name rule actions target, where its Web SDK listens, how to log on and
/// whom to trust (<see cref="Pin"/>: exactly that certificate; null: the system CAs and the host name).
/// </summary>
internal sealed record GenetecServer(string Name, WebSdkEndpoint Endpoint, WebSdkCredentials Credentials, CertificatePin? Pin, TimeSpan Timeout);
