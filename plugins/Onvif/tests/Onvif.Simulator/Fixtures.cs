using System.Reflection;
using System.Security;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>The SOAP fixtures (see Fixtures/*.xml, each naming the specification section it follows), with {{Placeholders}} filled in.</summary>
public static class Fixtures
{
    public static string Raw(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Fixtures.{name}.xml")
                           ?? throw new ArgumentException($"no fixture {name}.xml", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The fixture with each {{Key}} replaced by its value, XML-escaped.</summary>
    public static string Fill(string name, IReadOnlyDictionary<string, string> values) => FillText(Raw(name), values, escape: true);

    /// <summary>Like <see cref="Fill"/>, but values in <paramref name="markup"/> are inserted as markup, unescaped.</summary>
    public static string Fill(string name, IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> markup) =>
        FillText(FillText(Raw(name), markup, escape: false), values, escape: true);

    private static string FillText(string text, IReadOnlyDictionary<string, string> values, bool escape)
    {
        foreach (var (key, value) in values)
            text = text.Replace("{{" + key + "}}", escape ? SecurityElement.Escape(value) : value, StringComparison.Ordinal);
        return text;
    }

    /// <summary>A fragment fixture (no XML declaration) for insertion into another.</summary>
    public static string Fragment(string name, IReadOnlyDictionary<string, string> values) => Fill(name, values);
}
