using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>
/// The properties of one object's interface, as <c>GetAll</c> returned them, read by type: a missing property or
/// one of another type is a <c>malformed</c> failure that names the object, the property and both types.
/// </summary>
public sealed class PropertyBag(string owner, IReadOnlyDictionary<string, VariantValue> values)
{
    public string Owner => owner;

    public bool Has(string name) => values.ContainsKey(name);

    public Result<string> String(string name) => Get(name, VariantValueType.String, "a string", v => v.GetString());

    public Result<bool> Bool(string name) => Get(name, VariantValueType.Bool, "a boolean", v => v.GetBool());

    public Result<uint> UInt32(string name) => Get(name, VariantValueType.UInt32, "a uint32", v => v.GetUInt32());

    public Result<ulong> UInt64(string name) => Get(name, VariantValueType.UInt64, "a uint64", v => v.GetUInt64());

    public Result<string> ObjectPath(string name) => Get(name, VariantValueType.ObjectPath, "an object path", v => v.GetObjectPathAsString());

    /// <summary>An optional string: absent is <paramref name="fallback"/>, present of another type is still a failure.</summary>
    public Result<string> StringOr(string name, string fallback) => Has(name) ? String(name) : fallback;

    public Result<IReadOnlyList<string>> ObjectPaths(string name)
    {
        if (!values.TryGetValue(name, out var value)) return Missing<IReadOnlyList<string>>(name);
        if (value.Type != VariantValueType.Array || value.Count > 0 && value.ItemType != VariantValueType.ObjectPath)
            return Wrong<IReadOnlyList<string>>(name, "an array of object paths", value);
        var paths = new List<string>(value.Count);
        for (var i = 0; i < value.Count; i++) paths.Add(value.GetItem(i).GetObjectPathAsString());
        return paths;
    }

    /// <summary>A struct property whose signature is <paramref name="signature"/> (e.g. <c>(isi)</c>), read by <paramref name="read"/>.</summary>
    public Result<T> Struct<T>(string name, string signature, Func<VariantValue, T> read)
    {
        if (!values.TryGetValue(name, out var value)) return Missing<T>(name);
        if (value.Type != VariantValueType.Struct || Signature(value) != signature) return Wrong<T>(name, $"a struct {signature}", value);
        return read(value);
    }

    private static string Signature(VariantValue value)
    {
        var fields = new System.Text.StringBuilder("(");
        for (var i = 0; i < value.Count; i++)
            fields.Append(value.GetItem(i).Type switch
            {
                VariantValueType.Int32 => 'i',
                VariantValueType.String => 's',
                VariantValueType.UInt32 => 'u',
                VariantValueType.Bool => 'b',
                _ => '?',
            });
        return fields.Append(')').ToString();
    }

    private Result<T> Get<T>(string name, VariantValueType type, string expected, Func<VariantValue, T> read)
    {
        if (!values.TryGetValue(name, out var value)) return Missing<T>(name);
        return value.Type == type ? read(value) : Wrong<T>(name, expected, value);
    }

    private Result<T> Missing<T>(string name) =>
        Result<T>.Fail(BusFailures.Malformed, $"{owner}: property {name} is missing");

    private Result<T> Wrong<T>(string name, string expected, VariantValue value) =>
        Result<T>.Fail(BusFailures.Malformed, $"{owner}: property {name} is {Describe(value)}, expected {expected}");

    internal static string Describe(VariantValue value) =>
        value.Type == VariantValueType.Array ? $"an array of {value.ItemType}" : $"a {value.Type}";
}
