using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Appliance.Benchmarking;

/// <summary>
/// Runs a BenchmarkDotNet class once, in process, without BenchmarkDotNet's runner: global setup, each
/// [Benchmark] method twice (each [IterationSetup] before), global cleanup; [Params] take their first value.
/// For <c>--smoke</c>: seconds, no statistics, but every benchmark's code path exercised.
/// </summary>
public static class BenchSmoke
{
    public static IReadOnlyList<string> Run<T>() where T : new()
    {
        var ran = new List<string>();
        var bench = new T();
        foreach (var property in typeof(T).GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null))
            property.SetValue(bench, property.GetCustomAttribute<ParamsAttribute>()!.Values[0]);
        Invoke<GlobalSetupAttribute>(bench);
        try
        {
            foreach (var method in typeof(T).GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                for (var i = 0; i < 2; i++)
                {
                    Invoke<IterationSetupAttribute>(bench);
                    var result = method.Invoke(bench, null);
                    if (result is Task task) task.GetAwaiter().GetResult();
                    Invoke<IterationCleanupAttribute>(bench);
                }
                ran.Add($"{typeof(T).Name}.{method.Name}");
            }
        }
        finally
        {
            Invoke<GlobalCleanupAttribute>(bench);
        }
        return ran;
    }

    private static void Invoke<TAttribute>(object bench) where TAttribute : Attribute
    {
        foreach (var method in bench.GetType().GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
            if (method.Invoke(bench, null) is Task task) task.GetAwaiter().GetResult();
    }
}
