// Hosts started by these tests are heavy for a 2-core machine: one test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
