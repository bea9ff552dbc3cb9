using System.Security.Cryptography;

namespace Appliance.Plugins.WebRtc.Protocol.Ice;

/// <summary>ICE username fragment and password (RFC 8445 section 5.3): random, from the ice-char set.</summary>
public sealed record IceCredentials(string UsernameFragment, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>A fresh pair: 8-character ufrag (48 bits), 24-character password (144 bits, over the 128 required).</summary>
    public static IceCredentials Generate() => new(RandomString(8), RandomString(24));

    private static string RandomString(int length) =>
        string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = IceChars[RandomNumberGenerator.GetInt32(IceChars.Length)];
        });
}
