using Appliance.NetCheck.Checks;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>The judgement on synthetic arrival timelines (the live check is proven against real proxies elsewhere).</summary>
public class ContentFilterAnalysisTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    // Timelines are synthetic: the judgement is pure, so these tests involve no clock.

    private static List<ArrivalSample> Every(int fromMs, int toMs, int stepMs)
        => Enumerable.Range(0, ((toMs - fromMs) / stepMs) + 1).Select(i => new ArrivalSample(TimeSpan.FromMilliseconds(fromMs + (i * stepMs)), 4096)).ToList();

    [Fact]
    public void Steady_stream_passes()
    {
        var (status, detail) = ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(5), Every(10, 3990, 100), Window, streamEnded: false);
        Assert.Equal(CheckStatus.Pass, status);
        Assert.Contains("streamed steadily", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void No_headers_means_the_response_is_held()
    {
        var (status, detail) = ContentFilterAnalysis.Analyze(null, [], Window, streamEnded: false);
        Assert.Equal(CheckStatus.Fail, status);
        Assert.Contains("end-of-file", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Headers_without_body_bytes_fail()
        => Assert.Equal(CheckStatus.Fail, ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(3), [], Window, false).Status);

    [Fact]
    public void Everything_at_once_then_end_of_file_fails()
    {
        var burst = Enumerable.Range(0, 20).Select(i => new ArrivalSample(TimeSpan.FromMilliseconds(2100 + i), 16384)).ToList();
        var (status, detail) = ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(2090), burst, Window, streamEnded: true);
        Assert.Equal(CheckStatus.Fail, status);
        Assert.Contains("arrived at once", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Late_first_byte_after_the_headers_fails()
        => Assert.Equal(CheckStatus.Fail, ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(100), Every(2600, 3900, 100), Window, false).Status);

    [Fact]
    public void Slow_headers_then_a_steady_stream_pass()
        => Assert.Equal(CheckStatus.Pass, ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(1500), Every(1510, 3990, 100), Window, false).Status);

    [Fact]
    public void Headers_at_the_very_end_leave_too_little_to_judge()
        => Assert.Equal(CheckStatus.Warn, ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(3500), Every(3510, 3990, 100), Window, false).Status);

    [Fact]
    public void One_dominant_burst_fails()
    {
        var samples = new List<ArrivalSample> { new(TimeSpan.FromMilliseconds(50), 100) };
        samples.AddRange(Enumerable.Range(0, 50).Select(i => new ArrivalSample(TimeSpan.FromMilliseconds(1500 + i), 16384)));
        var (status, detail) = ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(10), samples, Window, false);
        Assert.Equal(CheckStatus.Fail, status);
        Assert.Contains("one burst", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_that_ends_steadily_is_a_warning_about_the_test_url()
    {
        var (status, detail) = ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(5), Every(10, 1990, 100), Window, streamEnded: true);
        Assert.Equal(CheckStatus.Warn, status);
        Assert.Contains("must stream without end", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Gappy_delivery_is_a_warning()
    {
        var samples = new[] { 100, 1300, 2500, 3700 }.Select(ms => new ArrivalSample(TimeSpan.FromMilliseconds(ms), 4096)).ToList();
        Assert.Equal(CheckStatus.Warn, ContentFilterAnalysis.Analyze(TimeSpan.FromMilliseconds(5), samples, Window, false).Status);
    }
}
