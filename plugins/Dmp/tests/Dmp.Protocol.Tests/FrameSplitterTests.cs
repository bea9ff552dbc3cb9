using System.Text;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp.Tests;

public sealed class FrameSplitterTests
{
    [Fact]
    public void Frames_split_across_reads_and_joined_in_one_read_are_cut_at_their_terminators()
    {
        var wire = SerialThreeFrames.Wire(SerialThreeFrames.Alarm()).Concat(SerialThreeFrames.Wire(SerialThreeFrames.CheckIn())).ToArray();
        var splitter = new DmpFrameSplitter(512);
        var frames = new List<DmpFrame>();
        foreach (var b in wire) frames.AddRange(splitter.Push([b]));
        Assert.Equal([SerialThreeFrames.Alarm(), SerialThreeFrames.CheckIn()], frames.Select(f => Encoding.ASCII.GetString(f.Bytes)));
        Assert.Equal(2, new DmpFrameSplitter(512).Push(wire).Count);
    }

    [Fact]
    public void An_oversized_frame_is_dropped_whole_and_the_next_one_is_kept()
    {
        var splitter = new DmpFrameSplitter(64);
        var frames = splitter.Push([.. Enumerable.Repeat((byte)'A', 10_000), 0x0D, .. SerialThreeFrames.Wire(SerialThreeFrames.CheckIn())]);
        Assert.Equal(2, frames.Count);
        Assert.True(frames[0].Oversized);
        Assert.Empty(frames[0].Bytes);
        Assert.Equal(SerialThreeFrames.CheckIn(), Encoding.ASCII.GetString(frames[1].Bytes));
    }

    [Fact]
    public void An_endless_line_holds_no_more_than_the_cap()
    {
        var splitter = new DmpFrameSplitter(64);
        for (var i = 0; i < 1000; i++) Assert.Empty(splitter.Push(Enumerable.Repeat((byte)'Z', 1000).ToArray()));
        Assert.True(splitter.Pending <= 64, $"{splitter.Pending} bytes held");
    }

    [Fact]
    public void Empty_frames_between_messages_are_skipped() =>
        Assert.Single(new DmpFrameSplitter(512).Push([0x0D, 0x0A, 0x0D, 0x02, 0x03, .. SerialThreeFrames.Wire(SerialThreeFrames.CheckIn()), 0x0A, 0x0D]));
}
