namespace Appliance.Plugins.Media.Protocol.Motion;

/// <summary>What one analysed frame showed: the active regions and each region's changed fraction.</summary>
public sealed record MotionFrameResult(IReadOnlyList<string> ActiveRegions, IReadOnlyDictionary<string, double> ChangedFraction, int NoiseFloor)
{
    public bool Any => ActiveRegions.Count > 0;
}

/// <summary>
/// Motion on small gray frames (e.g. 160x90 from the decoder's scaler): the difference to the previous analysed frame,
/// after a 3x3 blur, thresholded above the frame's own noise floor (the median absolute difference, so sensor noise
/// and compression flicker do not count), counted per named region outside the masks. Pure and deterministic; one
/// instance per camera, not thread-safe. A change of size starts over (the first frame only primes the model).
/// </summary>
public sealed class MotionDetector
{
    private readonly MotionSettings _settings;
    private byte[] _previous = [];
    private byte[] _current = [];
    private byte[] _changed = [];
    private bool[] _masked = [];
    private readonly int[] _histogram = new int[256];
    private int _width;
    private int _height;
    private bool _primed;

    public MotionDetector(MotionSettings settings) => _settings = settings ?? throw new ArgumentNullException(nameof(settings));

    public MotionSettings Settings => _settings;

    /// <summary>Analyses one gray frame (<paramref name="stride"/> bytes per row). The first frame (or the first after
    /// a size change) returns no motion.</summary>
    public MotionFrameResult Analyze(ReadOnlySpan<byte> gray, int width, int height, int stride)
    {
        if (width <= 2 || height <= 2 || stride < width || gray.Length < stride * (height - 1) + width)
            throw new ArgumentException($"gray frame {width}x{height} stride {stride} with {gray.Length} bytes is inconsistent");
        if (width != _width || height != _height) Reset(width, height);
        Blur(gray, stride, _current);
        if (!_primed)
        {
            _primed = true;
            (_previous, _current) = (_current, _previous);
            return Empty();
        }

        Array.Clear(_histogram);
        var n = width * height;
        for (var i = 0; i < n; i++)
        {
            var d = Math.Abs(_current[i] - _previous[i]);
            _changed[i] = (byte)d;
            if (!_masked[i]) _histogram[d]++;
        }
        var noise = Median(_histogram);
        var threshold = noise * 2 + _settings.PixelThreshold;

        var active = new List<string>();
        var fractions = new Dictionary<string, double>();
        foreach (var region in _settings.EffectiveRegions)
        {
            var (x0, y0, x1, y1) = region.Area.ToPixels(width, height);
            int counted = 0, changed = 0;
            for (var y = y0; y < y1; y++)
            {
                var row = y * width;
                for (var x = x0; x < x1; x++)
                {
                    if (_masked[row + x]) continue;
                    counted++;
                    if (_changed[row + x] > threshold) changed++;
                }
            }
            var fraction = counted == 0 ? 0 : (double)changed / counted;
            fractions[region.Name] = fraction;
            if (counted > 0 && fraction >= _settings.AreaThreshold) active.Add(region.Name);
        }
        (_previous, _current) = (_current, _previous);
        return new MotionFrameResult(active, fractions, noise);
    }

    private MotionFrameResult Empty() =>
        new([], _settings.EffectiveRegions.ToDictionary(r => r.Name, _ => 0.0), 0);

    private void Reset(int width, int height)
    {
        _width = width;
        _height = height;
        _previous = new byte[width * height];
        _current = new byte[width * height];
        _changed = new byte[width * height];
        _masked = new bool[width * height];
        foreach (var mask in _settings.Masks ?? [])
        {
            var (x0, y0, x1, y1) = mask.ToPixels(width, height);
            for (var y = y0; y < y1; y++)
                for (var x = x0; x < x1; x++) _masked[y * width + x] = true;
        }
        _primed = false;
    }

    /// <summary>3x3 box blur with clamped edges into <paramref name="output"/> (width x height, no padding).</summary>
    private void Blur(ReadOnlySpan<byte> gray, int stride, byte[] output)
    {
        for (var y = 0; y < _height; y++)
        {
            var ya = Math.Max(y - 1, 0) * stride;
            var yb = y * stride;
            var yc = Math.Min(y + 1, _height - 1) * stride;
            for (var x = 0; x < _width; x++)
            {
                var xa = Math.Max(x - 1, 0);
                var xc = Math.Min(x + 1, _width - 1);
                var sum = gray[ya + xa] + gray[ya + x] + gray[ya + xc]
                        + gray[yb + xa] + gray[yb + x] + gray[yb + xc]
                        + gray[yc + xa] + gray[yc + x] + gray[yc + xc];
                output[y * _width + x] = (byte)(sum / 9);
            }
        }
    }

    private static int Median(int[] histogram)
    {
        var total = 0;
        foreach (var count in histogram) total += count;
        var half = total / 2;
        var seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen > half) return i;
        }
        return 0;
    }
}
