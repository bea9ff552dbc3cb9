using Appliance.Plugins.Webhooks.Protocol;

namespace Appliance.Plugins.Webhooks.Tests;

public sealed class DeliveriesPageTests
{
    [Fact]
    public void Attempts_are_listed_newest_first_and_what_receivers_answered_is_encoded()
    {
        var at = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var attempts = new List<DeliveryAttempt>
        {
            new("msg_1", "site", 1, at, "failed", 500, "<script>alert(1)</script>"),
            new("msg_1", "site", 2, at.AddSeconds(1), "delivered", 204, null),
        };
        var html = DeliveriesPage.Render(["site: https://hooks.site.example"], attempts);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.True(html.IndexOf("delivered", StringComparison.Ordinal) < html.IndexOf("failed", StringComparison.Ordinal));
        Assert.Contains("2026-12-03 12:00:01.000", html);
        Assert.Contains("<li>site: https://hooks.site.example</li>", html);
    }

    [Fact]
    public void Without_receivers_or_attempts_the_page_says_so_and_shows_at_most_the_latest_200()
    {
        Assert.Contains("No receiver is configured", DeliveriesPage.Render([], []));
        Assert.Contains("No delivery attempted yet", DeliveriesPage.Render(["a"], []));
        var many = Enumerable.Range(0, 500).Select(i => new DeliveryAttempt($"m{i}", "a", 1, DateTimeOffset.UnixEpoch, "delivered", 204, null)).ToList();
        var html = DeliveriesPage.Render(["a"], many);
        Assert.Equal(DeliveriesPage.Shown, html.Split("<tr class=").Length - 1);
        Assert.Contains("<code>m499</code>", html);
        Assert.DoesNotContain("<code>m299</code>", html);
    }
}
