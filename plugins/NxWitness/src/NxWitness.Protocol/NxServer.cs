namespace Appliance.Plugins.NxWitness.Protocol;

/// <summary>
/// One Nx Witness server's HTTP API (default port 7001, plain HTTP on the site network) and the system account the
/// appliance signs in with. <c>Timeout</c> bounds each request from connect to the last byte of the answer.
/// </summary>
public sealed record NxServer(string Host, int Port, string User, string Password, TimeSpan Timeout)
{
    public const int DefaultPort = 7001;

    public Uri BaseUri => new UriBuilder("http", Host, Port).Uri;

    public override string ToString() => $"{Host}:{Port}";
}
