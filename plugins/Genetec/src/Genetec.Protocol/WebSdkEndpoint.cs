namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// Where a Web-based SDK role listens: <c>https://{host}:{port}/{baseUri}/</c> (Security Center SDK Developer Guide
/// 5.14, "Web SDK", base path; the role's Port defaults to 4590 and its Base URI to <c>WebSdk</c>).
/// </summary>
public sealed record WebSdkEndpoint(string Host, int Port = WebSdkEndpoint.DefaultPort, string BaseUri = WebSdkEndpoint.DefaultBaseUri)
{
    public const int DefaultPort = 4590;

    public const string DefaultBaseUri = "WebSdk";

    public Uri Base => new UriBuilder(Uri.UriSchemeHttps, Host, Port, BaseUri.Trim('/') + "/").Uri;

    public override string ToString() => $"{Host}:{Port}";
}
