// Browser tests share one Chromium and the machine has 2 cores: one test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
