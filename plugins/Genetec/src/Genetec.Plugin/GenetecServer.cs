using Appliance.Plugins.Genetec.Protocol;

namespace Appliance.Plugins.Genetec;

/// <summary>One configured Security Center server: the name rule actions target, where its Web SDK listens, how to log on and whom to trust.</summary>
public sealed record GenetecServer(string Name, WebSdkEndpoint Endpoint, WebSdkCredentials Credentials, CertificatePin Trust, TimeSpan Timeout);
