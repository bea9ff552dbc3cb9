namespace Appliance.Plugins.WebRtc.Protocol.Srtp;

/// <summary>One direction's master key and salt.</summary>
public sealed record SrtpMasterKey(SrtpProfile Profile, byte[] Key, byte[] Salt)
{
    /// <summary>
    /// Splits DTLS-exported keying material (client_write_key | server_write_key | client_salt | server_salt)
    /// into (local, remote) for the side that was the DTLS <paramref name="isServer"/>.
    /// </summary>
    public static (SrtpMasterKey Local, SrtpMasterKey Remote) FromDtls(SrtpProfile profile, ReadOnlySpan<byte> material, bool isServer)
    {
        var k = profile.MasterKeyLength();
        var s = profile.MasterSaltLength();
        if (material.Length != 2 * (k + s)) throw new ArgumentException($"keying material is {material.Length} bytes, {2 * (k + s)} expected");
        var client = new SrtpMasterKey(profile, material[..k].ToArray(), material.Slice(2 * k, s).ToArray());
        var server = new SrtpMasterKey(profile, material.Slice(k, k).ToArray(), material.Slice(2 * k + s, s).ToArray());
        return isServer ? (server, client) : (client, server);
    }
}
