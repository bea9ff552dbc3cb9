using System.Diagnostics;
using System.Globalization;
using Appliance.Benchmarking;
using Appliance.Plugins.Pos;
using Appliance.Plugins.Pos.Protocol;

// Issue 21: 1 million line items indexed, search p99 < 50 ms. Transactions of 10 items each go through the plugin's
// store one by one (as registers deliver them); then 200 full-text queries of words of varying frequency.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var items = report.Smoke ? 20_000 : 1_000_000;
const int perTransaction = 10;

string[] articles = ["MILK", "BREAD", "CHEESE", "APPLES", "COFFEE", "TEA", "BUTTER", "EGGS", "RICE", "PASTA", "SOAP", "WINE", "BEER", "JUICE", "SALT"];
var random = new Random(21);
var directory = Directory.CreateTempSubdirectory("appl-pos-bench-").FullName;
var store = new PosStore(directory);
var start = DateTimeOffset.Parse("2026-12-01T08:00:00Z", CultureInfo.InvariantCulture);
var ingest = Stopwatch.StartNew();
for (var t = 0; t < items / perTransaction; t++)
{
    var lines = new List<string> { $"STORE {t % 50}", $"CASHIER: C{t % 37:000}" };
    var list = new List<PosLineItem>();
    for (var i = 0; i < perTransaction; i++)
    {
        var article = $"{articles[random.Next(articles.Length)]} {random.Next(1000):000}";
        var amount = random.Next(100, 5000) / 100m;
        lines.Add($"{article}   {amount:0.00}");
        list.Add(new PosLineItem(article, amount, lines.Count - 1));
    }
    lines.Add("THANK YOU");
    var at = start.AddSeconds(t * 7);
    store.Add($"lane{t % 8}", $"cam{t % 8}", new PosTransaction(lines, list, list.Sum(i => i.Amount), 0, 0, false, false, $"C{t % 37:000}", at, at.AddSeconds(5), "end"));
}
ingest.Stop();
report.Add(new BenchFigure("pos-items-indexed-per-second", items / ingest.Elapsed.TotalSeconds, "items/s", null, null, Better.Higher));

string[] queries = ["milk", "cheese AND wine", "\"coffee 042\"", "c017", "bread OR juice", "salt NOT eggs", "tea*", "rice 777"];
var latencies = new List<double>();
for (var q = 0; q < 200; q++)
{
    var query = queries[q % queries.Length];
    var started = Stopwatch.GetTimestamp();
    var found = store.Search(query, q % 3 == 0 ? "lane3" : null, null, null, 50);
    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    if (!found.IsOk) throw new InvalidOperationException(found.Failure!.Message);
}
latencies.Sort();
double P(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
report.Add(new BenchFigure("pos-search-p50", P(0.5), "ms", null, null));
report.Add(new BenchFigure(report.Smoke ? "pos-search-p99-20k-items" : "pos-search-p99-1m-items", P(0.99), "ms", null, 50));
Directory.Delete(directory, recursive: true);
return report.ExitCode();
