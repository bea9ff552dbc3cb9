using System.Net.Http.Json;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;

namespace Appliance.Cloud.Tests;

/// <summary><c>fleetctl</c> as a process against a real TLS mosquitto: the real appliance, 500 simulated ones, shared watchers, bad input.</summary>
public sealed class FleetctlTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-fleetctl-").FullName;
    private TestPki _pki = null!;
    private MosquittoPeer _broker = null!;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(Path.Combine(_folder, "pki"));
        _broker = await MosquittoPeer.StartAsync(_pki, Path.Combine(_folder, "broker"), SimulatedAppliance.SimAcl);
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task It_lists_queries_and_commands_the_real_appliance_and_names_refusals()
    {
        await using var host = await CloudHost.StartAsync(_pki, _broker.Port, ["status"]);
        await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(20));
        var fleetctl = new Fleetctl(_pki, _broker.Port);

        var list = await fleetctl.RunAsync("list");
        Assert.Equal(0, list.Exit);
        Assert.Matches(@"dev-1\s+online", list.Out);

        var status = await fleetctl.RunAsync("status", "dev-1");
        Assert.True(status.Exit == 0, status.Err + status.Out);
        Assert.StartsWith("dev-1 ok {", status.Out, StringComparison.Ordinal);
        Assert.Contains(CloudHost.Plugin, status.Out, StringComparison.Ordinal);
        Assert.Contains("results 1/1 (ok 1, error 0)", status.Err, StringComparison.Ordinal);

        var refused = await fleetctl.RunAsync("send", "plugin.restart", "--to", "dev-1", "--args", $$"""{"id":"{{CloudHost.Plugin}}"}""", "--timeout", "15");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("dev-1 error not-allowed", refused.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_command_reaches_500_simulated_appliances_and_every_result_comes_back()
    {
        var tls = SimulatedAppliance.SharedTls(_pki);
        var sims = Enumerable.Range(0, 500).Select(i => SimulatedAppliance.Start($"sim-{i:000}", tls, _broker.Port)).ToList();
        try
        {
            await Eventually.UntilAsync(() => sims.All(s => s.IsConnected), "500 simulated appliances online", TimeSpan.FromSeconds(90),
                () => $"{sims.Count(s => s.IsConnected)} connected");
            var fleetctl = new Fleetctl(_pki, _broker.Port);
            var sent = await fleetctl.RunAsync("send", "status", "--to", "sim-*", "--timeout", "60");
            Assert.True(sent.Exit == 0, sent.Err);
            Assert.Contains("results 500/500 (ok 500, error 0)", sent.Err, StringComparison.Ordinal);
            Assert.Equal(500, sent.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" ok {\"device\":", StringComparison.Ordinal)));
            Assert.All(sims, s => Assert.Equal(1, s.CommandsAnswered));
        }
        finally
        {
            await Task.WhenAll(sims.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Watchers_of_one_group_share_the_events_between_them()
    {
        await using var host = await CloudHost.StartAsync(_pki, _broker.Port, ["status"]);
        await host.LoginAsync();
        await MosquittoSub.ReadAsync(_pki, _broker.Port, "appliance/dev-1/state", 1, TimeSpan.FromSeconds(20));
        var fleetctl = new Fleetctl(_pki, _broker.Port);
        using var first = fleetctl.Start("watch", "--group", "workers", "--for", "25");
        using var second = fleetctl.Start("watch", "--group", "workers", "--for", "25");
        await Task.Delay(3000); // both subscribed
        for (var i = 0; i < 40; i++)
            using (var response = await host.Client.PostAsJsonAsync("/api/v1/events", new { type = "WatchProbe", category = "system", data = new { n = i } }))
                response.EnsureSuccessStatusCode();
        var outputs = await Task.WhenAll(first.StandardOutput.ReadToEndAsync(), second.StandardOutput.ReadToEndAsync());
        var counts = outputs.Select(o => o.Split('\n').Count(l => l.Contains("WatchProbe", StringComparison.Ordinal))).ToList();
        Assert.Equal(40, counts.Sum());
        Assert.All(counts, c => Assert.True(c > 0, $"each worker gets a share: {string.Join(", ", counts)}"));
    }

    [Theory]
    [InlineData(64, "send", "status", "--to", "a/b")]
    [InlineData(64, "send", "status", "--to", "dev-1", "--args", "[1]")]
    [InlineData(64, "send", "status", "--to", "dev-1", "--args", "{not json")]
    [InlineData(64, "watch", "--what", "secrets")]
    [InlineData(64, "send", "status")]
    public async Task Bad_arguments_are_usage_errors(int exit, params string[] args)
    {
        var result = await new Fleetctl(_pki, _broker.Port).RunAsync(args);
        Assert.True(exit == result.Exit, result.Err);
        Assert.Contains("fleetctl:", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_outside_the_fleet_CA_is_refused_with_the_reason()
    {
        using var stranger = TestPki.Create(Path.Combine(_folder, "stranger"), "stranger");
        var result = await new Fleetctl(_pki, _broker.Port).RunWithAsync(stranger.CaPath, "list");
        Assert.Equal(1, result.Exit);
        Assert.Contains("not issued by the fleet CA", result.Err, StringComparison.Ordinal);
    }
}
