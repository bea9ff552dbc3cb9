namespace Appliance.Plugins.WebRtc.Protocol.Srtp;

/// <summary>The SRTP protection profiles the appliance negotiates in DTLS use_srtp (RFC 5764, RFC 7714).</summary>
public enum SrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): AES-128 counter mode, 80-bit HMAC-SHA1 tag.</summary>
    AesCm128HmacSha1_80 = 0x0001,
    /// <summary>SRTP_AEAD_AES_128_GCM (0x0007): AES-128-GCM, 128-bit tag.</summary>
    AeadAes128Gcm = 0x0007,
}

public static class SrtpProfileExtensions
{
    public static int MasterKeyLength(this SrtpProfile profile) => 16;

    public static int MasterSaltLength(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    /// <summary>Bytes the DTLS exporter must give: client key, server key, client salt, server salt (RFC 5764 4.2).</summary>
    public static int KeyingMaterialLength(this SrtpProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());
}
