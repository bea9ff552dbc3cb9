using System.Net;
using Appliance.Testing;
using Xunit;
using Xunit.Abstractions;
using static Appliance.Isolation.Tests.IsolatedSurfaceHost;

namespace Appliance.Isolation.Tests;

/// <summary>
/// A child that speaks the protocol well enough to start and map a 1.1 route, then breaks the HTTP exchange: body
/// frames without credit, an oversized or malformed body frame, a response head for a request the host never sent.
/// It is a real process (python3) the real host process starts as its plugin host (<c>plugins.isolation.pluginHostPath</c>;
/// for every other plugin the script execs the real plugin host). The host drops the child with a clear error in its
/// log, the client's request ends instead of hanging, and another isolated plugin keeps serving.
/// </summary>
public sealed class HostileHttpChildTests(ITestOutputHelper output)
{
    private const string Script = """
        #!/usr/bin/env python3
        import json, os, socket, struct, sys
        args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
        if args['--id'] != 'test.hostile':
            os.execvp('dotnet', ['dotnet', REAL] + sys.argv[1:])
        s = socket.socket(socket.AF_UNIX)
        s.connect(args['--socket'])
        def send(kind, id, payload=b''):
            s.sendall(struct.pack('<IBBHII', 0x494C5041, 1, kind, 0, id, len(payload)) + payload)
        def exact(n):
            b = b''
            while len(b) < n:
                c = s.recv(n - len(b))
                if not c: sys.exit(0)
                b += c
            return b
        def recv():
            magic, version, kind, flags, id, length = struct.unpack('<IBBHII', exact(16))
            return kind, id, exact(length)
        def call(kind, id, op, a):
            send(kind, id, json.dumps({'op': op, 'args': a}).encode())
        send(1, 0, json.dumps({'protocol': 1, 'role': 'plugin-host', 'pid': os.getpid(), 'pluginId': args['--id'],
                               'token': os.environ['APPLIANCE_ISOLATION_TOKEN']}).encode())
        recv()
        while True:
            kind, id, payload = recv()
            if kind == 7:
                send(8, id)
            elif kind == 2 and json.loads(payload)['op'] == 'plugin.start':
                call(2, 1000, 'http.map', {'handle': 1, 'method': 'GET', 'template': 'hello'})
                while True:
                    k, i, p = recv()
                    if k == 7: send(8, i)
                    elif k in (3, 4) and i == 1000: break
                send(3, id, b'{}')
                if MODE == 'unknown-head':
                    send(9, 4242, json.dumps({'statusCode': 200, 'headers': {}, 'hasBody': False}).encode())
            elif kind == 2:
                send(3, id, b'{}')
            elif kind == 9:
                send(9, id, json.dumps({'statusCode': 200, 'headers': {'Content-Type': 'text/plain'}, 'hasBody': True}).encode())
                if MODE == 'no-credit':
                    while True: send(10, id, b'x' * 65536)
                elif MODE == 'oversized':
                    send(10, id, b'x' * (65536 * 2))
                elif MODE == 'garbage':
                    send(12, id, b'\x01\x02\x03')
        """;

    [Theory]
    [InlineData("no-credit", "beyond the credit granted")]
    [InlineData("oversized", "an HttpBody of 131072 bytes for exchange 1 is over the 65536-byte chunk limit")]
    [InlineData("garbage", "an HttpCredit payload is 4 bytes, got 3")]
    [InlineData("unknown-head", "a HttpHead for HTTP exchange 4242, which the host has not opened")]
    public async Task A_child_breaking_an_http_exchange_is_dropped_and_the_other_plugin_keeps_serving(string mode, string expected)
    {
        var script = Path.Combine(Directory.CreateTempSubdirectory("appl-hostile-http-").FullName, "plugin-host");
        await File.WriteAllTextAsync(script, Script.Replace("REAL", $"'{PluginHostDll}'").Replace("MODE", $"'{mode}'"));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var hostile = Manifest("test.hostile");
        hostile.Remove("events"); // the event type is test.good's
        await using var host = await StartAsync(script, Manifest("test.good", sizeBytes: 8 << 20), hostile);
        var (good, _) = await ProcessAsync(host, "test.good");

        if (mode != "unknown-head")
        {
            // The request ends (an error status or a cut connection), it does not hang. The no-credit child sends body
            // without end: a bounded burst (it was 64 pieces) can arrive within the credit a fast reader keeps granting,
            // and is then a response that simply never ends, which a plugin may legitimately send.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                using var response = await host.Client.GetAsync("/plugins/test.hostile/hello", timeout.Token);
                var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                // None of these children ends a body, so a 200 that completes is a response the host made up.
                Assert.True(response.StatusCode != HttpStatusCode.OK, $"{(int)response.StatusCode} with {body.Length} bytes");
            }
            catch (HttpRequestException ex)
            {
                output.WriteLine($"request ended: {ex.Message}");
            }
            Assert.False(timeout.IsCancellationRequested, "the request hung");
        }

        // The supervisor's error names the plugin, the process and what it did wrong.
        string? Dropped() => host.Log.Split('\n').FirstOrDefault(l =>
            l.Contains("Isolated plugin test.hostile: plugin process") && l.Contains("broke the protocol") && l.Contains(expected));
        await Eventually.HoldsWithinAsync(() => Dropped() is not null, TimeSpan.FromSeconds(60));
        output.WriteLine(Dropped() ?? host.Log);
        Assert.NotNull(Dropped());
        Assert.Contains("fail:", Dropped());

        Assert.False(host.HasExited);
        Assert.True(Alive(good));
        Assert.Equal(good, (await ProcessAsync(host, "test.good")).Pid);
        var bytes = await host.Client.GetByteArrayAsync("/plugins/test.good/files/big");
        Assert.Equal(8 << 20, bytes.Length);
        Assert.All(new[] { 0, 1 << 20, (8 << 20) - 1 }, i => Assert.Equal((byte)(i % 251), bytes[i]));
    }
}
