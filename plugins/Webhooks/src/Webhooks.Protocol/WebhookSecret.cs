using Appliance.Abstractions;

namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of 24 to 64 random bytes (the spec's
/// format; the prefix is not part of the key).
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";

    private WebhookSecret(byte[] key) => Key = key;

    /// <summary>The HMAC key (the decoded bytes after the prefix).</summary>
    public byte[] Key { get; }

    public static Result<WebhookSecret> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Result<WebhookSecret>.Fail("malformed", "the secret is empty; expected whsec_ followed by base64");
        if (text.Length > 200) return Result<WebhookSecret>.Fail("too-large", $"the secret is {text.Length} characters long; the limit is 200");
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
            return Result<WebhookSecret>.Fail("malformed", "the secret does not start with whsec_");
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return Result<WebhookSecret>.Fail("malformed", "the part after whsec_ is not base64");
        }
        if (key.Length < 24 || key.Length > 64)
            return Result<WebhookSecret>.Fail("malformed", $"the secret holds {key.Length} bytes; Standard Webhooks secrets hold 24 to 64");
        return new WebhookSecret(key);
    }

    /// <summary>A new random secret in the <c>whsec_</c> form.</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
