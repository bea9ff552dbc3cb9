using System.Security.Cryptography;
using System.Text;

namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>
/// Standard Webhooks signing: the signed content is <c>{webhook-id}.{webhook-timestamp}.{body}</c>, signed with
/// HMAC-SHA256 under the secret's key; the <c>webhook-signature</c> header holds <c>v1,</c> and the base64 of the MAC.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(WebhookSecret secret, string messageId, long timestampSeconds, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestampSeconds}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret.Key, content));
    }
}
