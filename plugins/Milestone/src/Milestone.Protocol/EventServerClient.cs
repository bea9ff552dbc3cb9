using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Milestone.Protocol;

/// <summary>
/// Sends to an XProtect event server. Every call opens its own connection (the event server expects one message per
/// connection for analytics events), is bounded by <c>timeout</c> from connect to the last byte read, and never throws
/// for network trouble: failures carry a code (<c>transport</c>, <c>timeout</c>, <c>bad-echo</c>, <c>rejected</c>).
/// </summary>
public sealed class EventServerClient
{
    /// <summary>The most of an answer read back (bytes); more is a <c>bad-echo</c>.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>
    /// Raw XML to the analytics-events port (default 9090): connect, write the document, close the sending side, then
    /// wait for the server to answer and/or close. Ok(answer text, possibly empty) once it closed; a server that keeps
    /// the connection open without closing is a <c>timeout</c> (so the event is sent again: at least once).
    /// </summary>
    public async Task<Result<string>> SendAnalyticsAsync(string host, int port, AnalyticsEvent analyticsEvent, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(host, port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(analyticsEvent.ToXml(), cts.Token);
            client.Client.Shutdown(SocketShutdown.Send);
            var answer = await ReadToCloseAsync(stream, cts.Token);
            return answer is null ? Result<string>.Fail("bad-echo", $"{host}:{port} answered more than {MaxAnswerBytes} bytes") : answer;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<string>.Fail("timeout", $"{host}:{port} did not answer and close within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return Result<string>.Fail("transport", $"{host}:{port}: {ex.SocketErrorCode} ({ex.Message})");
        }
        catch (IOException ex)
        {
            return Result<string>.Fail("transport", $"{host}:{port}: {ex.Message}");
        }
    }

    /// <summary>
    /// One generic event over TCP (1234 Compatible, 1235 International): the framed text, then the source's echo is
    /// awaited and checked (all bytes: the same bytes back; statistics: one <c>X,Y,Z,name</c> line whose Y is the
    /// characters sent). Ok(the matched event name for statistics, "" otherwise).
    /// </summary>
    public async Task<Result<string>> SendGenericTcpAsync(string host, int port, GenericEventSource source, string text, TimeSpan timeout, CancellationToken ct)
    {
        var frame = source.Frame(text);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(host, port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(frame, cts.Token);
            switch (source.Echo)
            {
                case EchoType.AllBytes:
                    var echo = new byte[frame.Length];
                    var read = 0;
                    while (read < echo.Length)
                    {
                        var n = await stream.ReadAsync(echo.AsMemory(read), cts.Token);
                        if (n == 0) return Result<string>.Fail("bad-echo", $"{host}:{port} closed after echoing {read} of {frame.Length} bytes");
                        read += n;
                    }
                    return echo.AsSpan().SequenceEqual(frame) ? "" : Result<string>.Fail("bad-echo", $"{host}:{port} echoed different bytes than were sent");
                case EchoType.Statistics:
                    var line = await ReadLineAsync(stream, cts.Token);
                    if (line is null) return Result<string>.Fail("bad-echo", $"{host}:{port} closed or overflowed before a statistics line");
                    return ParseStatistics(line, frame.Length - source.Separator.Length);
                default:
                    client.Client.Shutdown(SocketShutdown.Send);
                    return "";
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<string>.Fail("timeout", $"{host}:{port} did not echo within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return Result<string>.Fail("transport", $"{host}:{port}: {ex.SocketErrorCode} ({ex.Message})");
        }
        catch (IOException ex)
        {
            return Result<string>.Fail("transport", $"{host}:{port}: {ex.Message}");
        }
    }

    /// <summary>One generic event as a UDP datagram (port 1234): no echo, so Ok means only "sent".</summary>
    public async Task<Result<string>> SendGenericUdpAsync(string host, int port, GenericEventSource source, string text, CancellationToken ct)
    {
        try
        {
            using var udp = new UdpClient();
            await udp.SendAsync(source.Frame(text), host, port, ct);
            return "";
        }
        catch (SocketException ex)
        {
            return Result<string>.Fail("transport", $"{host}:{port}/udp: {ex.SocketErrorCode} ({ex.Message})");
        }
    }

    /// <summary>"X,Y,Z,name": X request number, Y characters received, Z matches, name the matched generic event (may be empty).</summary>
    public static Result<string> ParseStatistics(string line, int expectedCharacters)
    {
        var parts = line.TrimEnd('\r', '\n').Split(',', 4);
        if (parts.Length < 3 || !long.TryParse(parts[0], out _) || !int.TryParse(parts[1], out var characters) || !int.TryParse(parts[2], out var matches))
            return Result<string>.Fail("bad-echo", $"statistics echo \"{Shorten(line)}\" is not X,Y,Z,name");
        if (characters != expectedCharacters)
            return Result<string>.Fail("bad-echo", $"the event server counted {characters} characters; {expectedCharacters} were sent");
        if (matches == 0) return Result<string>.Fail("rejected", "the event server received the message but no generic event matched it");
        return parts.Length == 4 ? parts[3] : "";
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "..." : s;

    private static async Task<string?> ReadToCloseAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        using var answer = new MemoryStream();
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) return Encoding.UTF8.GetString(answer.ToArray());
            if (answer.Length + n > MaxAnswerBytes) return null;
            answer.Write(buffer, 0, n);
        }
    }

    private static async Task<string?> ReadLineAsync(NetworkStream stream, CancellationToken ct)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 1024)
        {
            if (await stream.ReadAsync(one, ct) == 0) return null;
            if (one[0] == (byte)'\n') return Encoding.UTF8.GetString(line.ToArray());
            line.Add(one[0]);
        }
        return null;
    }
}
