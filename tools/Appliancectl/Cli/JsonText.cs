using System.Text.Encodings.Web;
using System.Text.Json;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>
/// The one way appliancectl writes JSON: the relaxed encoder, so <c>+</c>, <c>&lt;</c>, <c>'</c> and non-ASCII
/// text stay as they are (stdout is not HTML; the API's own escaping such as <c>\u002B</c> is undone).
/// </summary>
public static class JsonText
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize<T>(T value, bool indented = true) => JsonSerializer.Serialize(value, indented ? Indented : Compact);
}
