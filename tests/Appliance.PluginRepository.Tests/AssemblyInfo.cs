// The catalog tests run the real host; on a 2-core machine one test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
