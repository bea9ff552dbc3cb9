using Xunit;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

/// <summary>One loaded FFmpeg runtime per test class.</summary>
public sealed class RuntimeFixture
{
    public RuntimeFixture()
    {
        var loaded = FFmpegRuntime.Load();
        Assert.True(loaded.IsOk, loaded.ToString());
        Runtime = loaded.Value;
    }

    public FFmpegRuntime Runtime { get; }
}
