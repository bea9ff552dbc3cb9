using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Appliance.Testing;

/// <summary>
/// The fleet's enrolment server in tests: EST (RFC 7030) <c>simpleenroll</c> with HTTP Basic (device id + one-time
/// token, spent on success) and <c>simplereenroll</c> with the current device certificate in the TLS handshake, on
/// loopback with a fleet-CA server certificate. Requests are signed by <c>openssl x509 -req</c> with the test CA's key
/// and answered as <c>openssl crl2pkcs7</c> makes a certs-only PKCS#7: the wire format comes from openssl, not from us.
/// </summary>
public sealed class EstServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestPki _pki;
    private readonly string _caKey;
    private readonly string _work;
    private readonly List<string> _log = [];
    private string? _token;

    private EstServer(WebApplication app, TestPki pki, string caKey, string work, string baseUrl, string token)
    {
        _app = app;
        _pki = pki;
        _caKey = caKey;
        _work = work;
        BaseUrl = baseUrl;
        _token = token;
    }

    /// <summary>The EST base, <c>https://127.0.0.1:port/.well-known/est</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Days a certificate from <c>simpleenroll</c> is valid (short, to make the renewal due at once).</summary>
    public int EnrolDays { get; set; } = 1;

    public int ReenrolDays { get; set; } = 90;

    /// <summary>What happened, one line per request: <c>enrol dev-1</c>, <c>reenrol CN=dev-1</c>, <c>refused ...</c>.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log) return [.. _log];
        }
    }

    public static async Task<EstServer> StartAsync(TestPki pki, string device, string token)
    {
        var work = Directory.CreateTempSubdirectory("appl-est-").FullName;
        var caKey = pki.WriteCaKey();
        var (certificate, key) = pki.Server("est");
        var port = FreePort.Tcp();
        var builder = WebApplication.CreateSlimBuilder();
        using (var pem = X509Certificate2.CreateFromPemFile(certificate, key))
        {
            var serverCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (_, _, _) => true, // checked per request below, against the fleet CA
            })));
        }
        var app = builder.Build();
        var server = new EstServer(app, pki, caKey, work, $"https://127.0.0.1:{port}/.well-known/est", token);
        // Cast to Delegate: a lambda of HttpContext alone would bind as a RequestDelegate and drop the result.
        app.MapPost("/.well-known/est/simpleenroll", (Delegate)((HttpContext http) => server.EnrolAsync(http, device)));
        app.MapPost("/.well-known/est/simplereenroll", (Delegate)((HttpContext http) => server.ReenrolAsync(http)));
        await app.StartAsync();
        return server;
    }

    private void Note(string line)
    {
        lock (_log) _log.Add(line);
    }

    private async Task<IResult> EnrolAsync(HttpContext http, string device)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{device}:{_token}"));
        if (_token is null || header != expected)
        {
            Note("refused enrol");
            return Results.StatusCode(401);
        }
        var answer = await SignAsync(await new StreamReader(http.Request.Body).ReadToEndAsync(), EnrolDays);
        _token = null; // one-time
        Note($"enrol {device}");
        return answer;
    }

    private async Task<IResult> ReenrolAsync(HttpContext http)
    {
        var client = http.Connection.ClientCertificate;
        if (client is null || !IssuedByFleetCa(client))
        {
            Note("refused reenrol");
            return Results.StatusCode(401);
        }
        var answer = await SignAsync(await new StreamReader(http.Request.Body).ReadToEndAsync(), ReenrolDays);
        Note($"reenrol {client.Subject}");
        return answer;
    }

    private bool IssuedByFleetCa(X509Certificate2 client)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(_pki.CaPath);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }

    /// <summary>Signs a base64 DER PKCS#10 (as EST carries it) and answers the base64 certs-only PKCS#7.</summary>
    private async Task<IResult> SignAsync(string base64Request, int days)
    {
        var pem = await SignPemAsync("-----BEGIN CERTIFICATE REQUEST-----\n" + base64Request.Trim() + "\n-----END CERTIFICATE REQUEST-----\n", days);
        var name = Guid.NewGuid().ToString("N");
        var cert = Path.Combine(_work, name + ".pem");
        var p7 = Path.Combine(_work, name + ".p7");
        await File.WriteAllTextAsync(cert, pem);
        await OpensslAsync("crl2pkcs7", "-nocrl", "-certfile", cert, "-outform", "DER", "-out", p7);
        return Results.Text(Convert.ToBase64String(await File.ReadAllBytesAsync(p7), Base64FormattingOptions.InsertLineBreaks),
            "application/pkcs7-mime; smime-type=certs-only");
    }

    /// <summary>A client certificate (PEM) for a PEM signing request, valid <paramref name="days"/> days, signed by the test CA.</summary>
    public async Task<string> SignPemAsync(string requestPem, int days = 90)
    {
        var name = Guid.NewGuid().ToString("N");
        var csr = Path.Combine(_work, name + ".csr");
        var ext = Path.Combine(_work, name + ".ext");
        var cert = Path.Combine(_work, name + ".pem");
        await File.WriteAllTextAsync(csr, requestPem);
        await File.WriteAllTextAsync(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        await OpensslAsync("x509", "-req", "-in", csr, "-CA", _pki.CaPath, "-CAkey", _caKey, "-set_serial", "0x" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..12]),
            "-days", days.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sha256", "-extfile", ext, "-out", cert);
        return await File.ReadAllTextAsync(cert);
    }

    private static async Task OpensslAsync(params string[] arguments)
    {
        using var openssl = Process.Start(new ProcessStartInfo("openssl", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        if (openssl.ExitCode != 0) throw new InvalidOperationException($"openssl {arguments[0]} failed ({openssl.ExitCode}): {error}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}
