// One host, one dev rig and one browser shared by every test: one test at a time (2 cores).
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
