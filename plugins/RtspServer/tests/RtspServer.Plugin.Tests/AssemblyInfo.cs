global using Xunit;

// Each test starts real peers (GStreamer camera, ffmpeg, VLC): run them one at a time on the small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
