using System.Text;

namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>
/// What the receiver answers a panel once a message is safely stored: STX, the account as the panel sent it
/// (5 characters), ACK (0x06), CR. A panel that gets no acknowledgement sends the message again (and, after its
/// retries, over its backup path), so the receiver acknowledges only after the event is durable, and never a
/// message it refused.
/// </summary>
public static class DmpAcknowledgement
{
    public const byte Ack = 0x06;

    public static byte[] For(DmpMessage message) => For(message.AccountField);

    public static byte[] For(string accountField)
    {
        if (accountField.Length != DmpMessageParser.AccountLength) throw new ArgumentException($"account field must be {DmpMessageParser.AccountLength} characters", nameof(accountField));
        var bytes = new byte[accountField.Length + 3];
        bytes[0] = DmpFrameSplitter.Stx;
        Encoding.ASCII.GetBytes(accountField, bytes.AsSpan(1));
        bytes[^2] = Ack;
        bytes[^1] = DmpFrameSplitter.Cr;
        return bytes;
    }
}
