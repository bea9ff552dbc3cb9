using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.Cameras;

/// <summary>Findings "camera credentials" and "camera test as a port scanner".</summary>
public sealed class CameraSecretsTests : IAsyncLifetime
{
    private AccessHost _host = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _host = await AccessHost.StartAsync();
        await _host.SetUpAdminAsync();
        _api = _host.TokenClient(await _host.TokenAsync());
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task APasswordInsideAStreamUri_IsMovedIntoTheSealedFields_AndNeverReturned()
    {
        using var created = await _api.PostAsJsonAsync("/api/v1/cameras", new { name = "Door", streamUri = "rtsp://door:s3cr%40t-pw@127.0.0.1:8554/door" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await _api.GetStringAsync("/api/v1/cameras");
        Assert.DoesNotContain("s3cr", text);
        var camera = JsonDocument.Parse(text).RootElement.EnumerateArray().Single();
        Assert.Equal("rtsp://127.0.0.1:8554/door", camera.GetProperty("streamUri").GetString());
        Assert.Equal("door", camera.GetProperty("username").GetString());
        Assert.True(camera.GetProperty("hasPassword").GetBoolean());

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_host.DataDirectory, "appliance.db")}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT stream_uri || ' ' || password_secret FROM cameras";
        var stored = (string)cmd.ExecuteScalar()!;
        Assert.DoesNotContain("s3cr", stored);
        Assert.Contains("v1:", stored);
    }

    [Fact]
    public async Task MovingACameraToAnotherHostOrPort_NeedsItsPasswordAgain()
    {
        using (var created = await _api.PostAsJsonAsync("/api/v1/cameras", new { name = "Yard", streamUri = "rtsp://127.0.0.1:8554/yard", username = "u", password = "camera-pw" }))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var moved = await _api.PutAsJsonAsync("/api/v1/cameras/yard", new { streamUri = "rtsp://127.0.0.9:8554/yard" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
            Assert.Contains("give its password again", await moved.Content.ReadAsStringAsync());
        }
        using (var port = await _api.PutAsJsonAsync("/api/v1/cameras/yard", new { streamUri = "rtsp://127.0.0.1:9554/yard" }))
            Assert.Equal(HttpStatusCode.BadRequest, port.StatusCode);
        using (var path = await _api.PutAsJsonAsync("/api/v1/cameras/yard", new { streamUri = "rtsp://127.0.0.1:8554/yard2" }))
            Assert.Equal(HttpStatusCode.OK, path.StatusCode);
        using (var withPassword = await _api.PutAsJsonAsync("/api/v1/cameras/yard", new { streamUri = "rtsp://127.0.0.9:8554/yard", password = "camera-pw-2" }))
            Assert.Equal(HttpStatusCode.OK, withPassword.StatusCode);
    }

    [Fact]
    public async Task TheCameraTest_TellsRefusedFromOpenNoMore_AndEchoesNothingTheServerSaid()
    {
        // One port refuses; another accepts and answers garbage that a scanner would love to read back.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var openPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-REMOTE-BANNER-TEXT\r\nRTSP/1.0 500 REMOTE-REASON-TEXT\r\nCSeq: 1\r\n\r\n"));
                await Task.Delay(200);
            }
        });
        var refusedPort = Appliance.Testing.FreePort.Tcp();
        var details = new List<string>();
        foreach (var (name, port) in new[] { ("Alpha", openPort), ("Beta", refusedPort) })
        {
            using (var created = await _api.PostAsJsonAsync("/api/v1/cameras", new { name, streamUri = $"rtsp://127.0.0.1:{port}/x" }))
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var tested = await _api.PostAsync($"/api/v1/cameras/{name.ToLowerInvariant()}/test", null);
            var text = await tested.Content.ReadAsStringAsync();
            Assert.DoesNotContain("REMOTE", text);
            Assert.DoesNotContain("refused", text, StringComparison.OrdinalIgnoreCase);
            var rtsp = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "camera-rtsp");
            Assert.Equal("Fail", rtsp.GetProperty("status").GetString());
            details.Add(rtsp.GetProperty("detail").GetString() + " | " + rtsp.GetProperty("remediation").GetString()!.Replace(port.ToString(), "PORT"));
        }
        Assert.Equal(details[0], details[1]);
        listener.Stop();
    }
}
