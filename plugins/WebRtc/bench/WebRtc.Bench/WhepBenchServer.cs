using System.Net;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Whep;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Bench;

/// <summary>
/// One loopback HTTP server (HttpListener) in front of both WHEP servers so the browser pays the same HTTP cost:
/// <c>/</c> is the measuring page, <c>POST /whep/ours</c> goes to the appliance's <see cref="WhepService"/>,
/// <c>POST /whep/aiortc</c> to aiortc over its pipe; <c>DELETE</c> on the returned resource ends either.
/// </summary>
internal sealed class WhepBenchServer : IDisposable
{
    private readonly WhepService _whep;
    private readonly AiortcServer _aiortc;
    private readonly LoopbackHttpServer _server;

    public WhepBenchServer(WhepService whep, AiortcServer aiortc, int port)
    {
        _whep = whep;
        _aiortc = aiortc;
        _server = new LoopbackHttpServer(HandleAsync, port);
    }

    public string Url => _server.Url;

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        try
        {
            var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            (int Status, string Type, byte[] Body, string? Location) answer = (request.HttpMethod, path) switch
            {
                ("GET", "/") => (200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes("<!doctype html><html><body>WHEP bench</body></html>"), null),
                ("POST", "/whep/ours") => Ours(await _whep.OfferAsync("camera", request.ContentType, body.ToArray())),
                ("POST", "/whep/aiortc") => await AiortcAsync(Encoding.UTF8.GetString(body.ToArray())),
                ("DELETE", var p) when p.StartsWith("/whep-resource/aiortc/", StringComparison.Ordinal) => await CloseAiortcAsync(p),
                ("DELETE", var p) when p.StartsWith("/whep-resource/", StringComparison.Ordinal) => Ours(await _whep.DeleteAsync(p["/whep-resource/".Length..])),
                _ => (404, "text/plain", "not found"u8.ToArray(), null),
            };
            response.StatusCode = answer.Status;
            response.ContentType = answer.Type;
            if (answer.Location is not null) response.Headers["Location"] = answer.Location;
            response.Headers["Access-Control-Expose-Headers"] = "Location";
            response.ContentLength64 = answer.Body.Length;
            await response.OutputStream.WriteAsync(answer.Body);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
        }
    }

    private static (int, string, byte[], string?) Ours(WhepResponse r) =>
        (r.Status, r.ContentType ?? "text/plain", r.Body ?? [], r.Headers.TryGetValue("Location", out var l) ? l : null);

    private async Task<(int, string, byte[], string?)> AiortcAsync(string offer)
    {
        var (id, answer, error) = await _aiortc.AnswerAsync(offer);
        return answer is null ? (500, "text/plain", Encoding.UTF8.GetBytes("aiortc: " + error), null) : (201, "application/sdp", Encoding.UTF8.GetBytes(answer), $"/whep-resource/aiortc/{id}");
    }

    private async Task<(int, string, byte[], string?)> CloseAiortcAsync(string path)
    {
        if (int.TryParse(path["/whep-resource/aiortc/".Length..], out var id)) await _aiortc.CloseAsync(id);
        return (200, "text/plain", [], null);
    }

    public void Dispose() => _server.Dispose();
}
