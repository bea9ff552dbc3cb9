using System.Text;
using Appliance.Core.PluginRepository;

namespace Appliance.PluginRepository.Tests.Index;

/// <summary>What the appliance accepts from a verified index (Core RepositoryPolicy through the facade).</summary>
public sealed class PolicyTests
{
    private static readonly DateTimeOffset Published = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static CatalogPackage P(string version, string[]? hardware = null, string hostApi = "1.0") =>
        new("test.probe", version, hostApi, hardware ?? ["*"], $"packages/p-{version}.zip", 10, new string('a', 64));

    private static RepositoryTypes.RepoIndex Index(long serial, params CatalogPackage[] packages)
    {
        var built = RepositoryFacade.Build(serial, Published, Published.AddDays(30), packages.Select(p => Tuple.Create("stable", p)));
        Assert.True(built.IsOk);
        return RepositoryFacade.Parse(built.Value).Valid;
    }

    private static InstallPlan Plan(RepositoryTypes.RepoIndex index, string? installed, bool force = false, string? version = null, string model = "rpi4", string channel = "stable") =>
        RepositoryFacade.Plan(index, channel, "test.probe", version, model, 1, 1, installed, force);

    [Fact]
    public void An_expired_index_is_refused_and_a_fresh_one_accepted()
    {
        var index = Index(4, P("1.0.0"));
        Assert.Null(RepositoryFacade.CheckFreshness(index, Published.AddDays(29), null));
        var expired = RepositoryFacade.CheckFreshness(index, Published.AddDays(30), null);
        Assert.Equal("expired", expired?.Code);
        Assert.Contains("expired at 2026-12-31 00:00:00 UTC", expired!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_older_serial_is_a_replay_the_same_serial_is_not()
    {
        var index = Index(4, P("1.0.0"));
        Assert.Null(RepositoryFacade.CheckFreshness(index, Published, 4));
        Assert.Null(RepositoryFacade.CheckFreshness(index, Published, 3));
        var replayed = RepositoryFacade.CheckFreshness(index, Published, 5);
        Assert.Equal("replayed", replayed?.Code);
        Assert.Contains("serial 4, older than serial 5", replayed!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_newest_fitting_version_is_chosen()
    {
        var index = Index(1, P("1.0.0"), P("1.10.0"), P("1.9.0"), P("2.0.0", ["other-board"]), P("3.0.0", hostApi: "2.0"));
        var plan = Plan(index, null);
        Assert.Null(plan.Refusal);
        Assert.Equal(("install", "1.10.0"), (plan.Action, plan.Chosen.Version));
        Assert.Equal(("update", "1.10.0"), (Plan(index, "1.9.0").Action, Plan(index, "1.9.0").Chosen.Version));
    }

    [Fact]
    public void A_package_for_another_hardware_model_is_refused_naming_both()
    {
        var plan = Plan(Index(1, P("1.0.0", ["rpi5", "jetson-orin"])), null);
        Assert.Equal("hardware", plan.Refusal?.Code);
        Assert.Contains("rpi5, jetson-orin, not for this appliance (rpi4)", plan.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_for_a_newer_host_api_is_refused()
    {
        var plan = Plan(Index(1, P("1.0.0", hostApi: "1.2")), null);
        Assert.Equal("host-api", plan.Refusal?.Code);
        Assert.Contains("needs host API 1.2; this host provides 1.1", plan.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_downgrade_is_refused_unless_forced()
    {
        var index = Index(1, P("1.0.0"), P("2.0.0"));
        var refused = Plan(index, "2.0.0", version: "1.0.0");
        Assert.Equal("downgrade", refused.Refusal?.Code);
        Assert.Contains("1.0.0 is older than the installed 2.0.0", refused.Refusal!.Message, StringComparison.Ordinal);
        Assert.Equal("downgrade", Plan(index, "2.0.0", force: true, version: "1.0.0").Action);
        // A pre-release of the installed version is older too (semver precedence).
        Assert.Equal("downgrade", Plan(Index(1, P("2.0.0-rc.1")), "2.0.0").Refusal?.Code);
    }

    [Fact]
    public void The_installed_version_again_needs_force()
    {
        var index = Index(1, P("2.0.0"));
        Assert.Equal("up-to-date", Plan(index, "2.0.0").Refusal?.Code);
        Assert.Equal("reinstall", Plan(index, "2.0.0", force: true).Action);
    }

    [Fact]
    public void Unknown_plugin_channel_and_bad_versions_are_named()
    {
        var index = Index(1, P("1.0.0"));
        Assert.Equal("not-found", Plan(index, null, channel: "beta").Refusal?.Code);
        Assert.Equal("not-found", Plan(index, null, version: "9.9.9").Refusal?.Code);
        var bad = Plan(index, null, version: "nine");
        Assert.Equal("malformed", bad.Refusal?.Code);
        Assert.StartsWith("version: ", bad.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_lines_say_why_a_package_does_not_fit()
    {
        var lines = RepositoryFacade.Lines(Index(1, P("1.0.0"), P("2.0.0", ["rpi5"]), P("3.0.0", hostApi: "2.0")), "stable", "rpi4", 1, 1);
        Assert.Equal([true, false, false], lines.Select(l => l.Fits));
        Assert.Equal("built for rpi5, not rpi4", lines[1].Unfit);
        Assert.Equal("needs host API 2.0", lines[2].Unfit);
    }
}
