using System.Text;

namespace Appliance.Testing;

/// <summary>
/// Reads the head of an HTTP/1.x or RTSP message (request or response) byte by byte up to the empty line, so nothing
/// after it is consumed: what the test servers and hostile clients of the tests read before they answer or judge.
/// </summary>
public static class MessageHead
{
    public const string End = "\r\n\r\n";

    /// <summary>
    /// The head with its final <see cref="End"/>; or, when the peer closed (or reset) first or <paramref name="maxBytes"/>
    /// were read, what came until then (see <see cref="IsComplete"/>). Bytes map one to one to characters (Latin-1).
    /// </summary>
    public static async Task<string> ReadAsync(Stream stream, int maxBytes = 16 * 1024, CancellationToken cancellationToken = default)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        try
        {
            while (bytes.Count < maxBytes && await stream.ReadAsync(one, cancellationToken) == 1)
            {
                bytes.Add(one[0]);
                if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        return Encoding.Latin1.GetString(bytes.ToArray());
    }

    /// <summary>True when <paramref name="head"/> ends with the empty line.</summary>
    public static bool IsComplete(string head) => head.EndsWith(End, StringComparison.Ordinal);
}
