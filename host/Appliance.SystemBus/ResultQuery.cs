using Appliance.Abstractions;

namespace Appliance.SystemBus;

/// <summary>Query syntax over <see cref="Result{T}"/> (<c>from a in ... from b in ... select</c>): the first failure wins.</summary>
internal static class ResultQuery
{
    public static Result<TOut> Select<T, TOut>(this Result<T> result, Func<T, TOut> map) => result.Map(map);

    public static Result<TOut> SelectMany<T, TMid, TOut>(this Result<T> result, Func<T, Result<TMid>> bind, Func<T, TMid, TOut> project) =>
        result.Bind(a => bind(a).Map(b => project(a, b)));
}
