namespace Appliance.NetCheck.Checks;

/// <summary>When body bytes arrived, relative to the request.</summary>
public readonly record struct ArrivalSample(TimeSpan At, int Bytes);

/// <summary>
/// Decides from the arrival timeline whether something on the path buffers a streamed response until end-of-file
/// (OpenEye seed 002, "Content Filtering"): a steady stream shows bytes in most intervals of the window; a
/// buffering filter shows nothing, a late first byte, or everything in one burst.
/// </summary>
public static class ContentFilterAnalysis
{
    public const int Intervals = 10;

    public static (CheckStatus Status, string Detail) Analyze(TimeSpan? headersAt, IReadOnlyList<ArrivalSample> samples, TimeSpan window, bool streamEnded)
    {
        if (headersAt is null)
        {
            return (CheckStatus.Fail, $"no response headers within {Seconds(window)}: the response is held, as a content filter does while it waits for end-of-file");
        }

        var total = samples.Sum(s => (long)s.Bytes);
        if (total == 0)
        {
            return (CheckStatus.Fail, $"headers after {Seconds(headersAt.Value)} but no body bytes within {Seconds(window)}: the stream is held until end-of-file");
        }

        // Judge the part of the window after the headers: a slow start (connection set-up, a loaded machine) is not a filter.
        var observed = window - headersAt.Value;
        var slot = observed / Intervals;
        var buckets = new long[Intervals];
        foreach (var sample in samples)
        {
            buckets[Bucket(sample.At)] += sample.Bytes;
        }

        var firstAt = samples.First(s => s.Bytes > 0).At;
        var lastAt = samples.Last(s => s.Bytes > 0).At;
        var first = Bucket(firstAt);
        var last = streamEnded ? Bucket(lastAt) : Intervals - 1;
        var span = last - first + 1;
        var occupied = buckets.Skip(first).Take(span).Count(b => b > 0);
        var largestShare = (double)buckets.Max() / total;
        var facts = $"{total} bytes, headers after {Seconds(headersAt.Value)}, first byte after {Seconds(firstAt)}, in {occupied} of {span} intervals of {slot.TotalMilliseconds:0} ms";

        if (streamEnded && span == 1 && lastAt - firstAt < slot)
        {
            return (CheckStatus.Fail, $"the whole response arrived at once and then ended ({facts}): something buffered it until end-of-file");
        }

        if (observed < window / 4)
        {
            return (CheckStatus.Warn, $"headers came so late that too little of the stream was observed ({facts}): run the check with a longer window");
        }

        if (firstAt - headersAt.Value > observed / 2)
        {
            return (CheckStatus.Fail, $"first body byte only {Seconds(firstAt - headersAt.Value)} after the headers ({facts}): the stream is buffered before delivery");
        }

        if (largestShare >= 0.8 && span > 1)
        {
            return (CheckStatus.Fail, $"{largestShare:P0} of the bytes arrived in one burst ({facts}): the stream is buffered before delivery");
        }

        if (streamEnded)
        {
            return (CheckStatus.Warn, $"the test stream ended after {Seconds(lastAt)} ({facts}): the content-filter URL must stream without end, or a device cut it");
        }

        return occupied >= Math.Ceiling(span * 0.6)
            ? (CheckStatus.Pass, $"streamed steadily: {facts}")
            : (CheckStatus.Warn, $"irregular delivery: {facts}");

        int Bucket(TimeSpan at) => Math.Clamp((int)((at - headersAt.Value) / slot), 0, Intervals - 1);
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.00} s";
}
