using Xunit;

// The real-peer tests run Chromium, aiortc and a GStreamer encoder; one at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
