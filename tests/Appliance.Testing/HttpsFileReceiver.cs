using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Appliance.Testing;

/// <summary>
/// The cloud's file end in tests: an HTTPS server on loopback whose certificate chains to a <see cref="TestPki"/>
/// (the fleet CA); <c>PUT /upload/{name}</c> keeps the body (and its content type), <c>GET /files/{name}</c> serves it;
/// <c>POST /post/{name}</c> keeps each body with its headers in order (or answers 503 while <see cref="RefuseNext"/>).
/// </summary>
public sealed class HttpsFileReceiver : IAsyncDisposable
{
    private readonly WebApplication _server;

    private HttpsFileReceiver(WebApplication server, string baseUrl)
    {
        _server = server;
        BaseUrl = baseUrl;
    }

    /// <summary><c>https://127.0.0.1:port</c>.</summary>
    public string BaseUrl { get; }

    public ConcurrentDictionary<string, (byte[] Bytes, string? ContentType)> Stored { get; } = new();

    /// <summary>Bodies POSTed to <c>/post/{name}</c>, in order, with their headers.</summary>
    public ConcurrentQueue<(string Name, byte[] Body, IReadOnlyDictionary<string, string> Headers)> Posted { get; } = new();

    /// <summary>How many of the next POSTs are answered 503 (a receiver that is down for a while).</summary>
    public int RefuseNext { get; set; }

    /// <summary>SHA-256 of the server certificate (hex), to pin it.</summary>
    public string CertificateSha256 { get; private init; } = "";

    public static async Task<HttpsFileReceiver> StartAsync(TestPki pki, string name = "files")
    {
        var (certificate, key) = pki.Server(name);
        var port = FreePort.Tcp();
        var builder = WebApplication.CreateSlimBuilder();
        string sha256;
        using (var pem = X509Certificate2.CreateFromPemFile(certificate, key))
        {
            sha256 = pem.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var serverCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(serverCertificate)));
        }
        var app = builder.Build();
        var receiver = new HttpsFileReceiver(app, $"https://127.0.0.1:{port}") { CertificateSha256 = sha256 };
        app.MapPut("/upload/{name}", async (string name, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            receiver.Stored[name] = (buffer.ToArray(), request.ContentType);
            return Results.Created();
        });
        app.MapPost("/post/{name}", async (string name, HttpRequest request) =>
        {
            if (receiver.RefuseNext > 0)
            {
                receiver.RefuseNext--;
                return Results.StatusCode(503);
            }
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            receiver.Posted.Enqueue((name, buffer.ToArray(), request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return Results.NoContent();
        });
        app.MapGet("/files/{name}", (string name) =>
            receiver.Stored.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, "application/octet-stream") : Results.NotFound());
        await app.StartAsync();
        return receiver;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
