using Xunit;

// Each test runs a GStreamer encoder; one at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
