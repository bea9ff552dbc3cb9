using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

/// <summary>
/// Every struct field and constant the binding declares, compared with what gcc computes from the installed
/// libavcodec-dev/libavutil-dev/libswscale-dev headers (layout_probe.c): offsetof, sizeof of the field, and values.
/// </summary>
public sealed class StructLayoutTests(ITestOutputHelper output)
{
    private static readonly Type[] Structs = [typeof(AVRational), typeof(AVCodecContext), typeof(AVFrame), typeof(AVPacket), typeof(AVCodec)];

    private static (Dictionary<string, (int Offset, int Size)> Fields, Dictionary<string, int> Constants, Dictionary<string, int> Sizes, Dictionary<string, int> Versions) Parse(string text)
    {
        var fields = new Dictionary<string, (int, int)>();
        var constants = new Dictionary<string, int>();
        var sizes = new Dictionary<string, int>();
        var versions = new Dictionary<string, int>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = line.Trim().Split(' ');
            switch (p[0])
            {
                case "field": fields[p[1]] = (int.Parse(p[2]), int.Parse(p[3])); break;
                case "const": constants[p[1]] = int.Parse(p[2]); break;
                case "sizeof": sizes[p[1]] = int.Parse(p[2]); break;
                case "version": versions[p[1]] = int.Parse(p[2]); break;
            }
        }
        return (fields, constants, sizes, versions);
    }

    private static string ProbeOutput()
    {
        var folder = Clips.TempFolder("layout");
        var binary = Path.Combine(folder, "layout_probe");
        var flags = Clips.Run("pkg-config", "--cflags libavcodec libavutil libswscale").Trim();
        Clips.Run("gcc", $"{Path.Combine(AppContext.BaseDirectory, "layout_probe.c")} {flags} -o {binary}");
        return Clips.Run(binary, "");
    }

    private static int FieldSize(FieldInfo field)
    {
        if (field.GetCustomAttribute<FixedBufferAttribute>() is { } buffer) return Marshal.SizeOf(buffer.ElementType) * buffer.Length;
        if (field.FieldType.IsPointer || field.FieldType == typeof(IntPtr)) return IntPtr.Size;
        return Marshal.SizeOf(field.FieldType);
    }

    [Fact]
    public void Every_declared_field_has_the_offset_and_size_the_headers_give()
    {
        var (fields, _, sizes, _) = Parse(ProbeOutput());
        var checkedCount = 0;
        foreach (var type in Structs)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public))
            {
                var key = $"{type.Name}.{field.Name}";
                Assert.True(fields.TryGetValue(key, out var expected), $"{key} is declared in C# but not probed in layout_probe.c");
                var offset = (int)Marshal.OffsetOf(type, field.Name);
                var size = FieldSize(field);
                output.WriteLine($"{key}: C offset {expected.Offset} size {expected.Size}; C# offset {offset} size {size}");
                Assert.Equal(expected.Offset, offset);
                Assert.Equal(expected.Size, size);
                checkedCount++;
            }
        }
        Assert.Equal(fields.Count, checkedCount); // every probed field is declared, none left unchecked
        Assert.Equal(sizes["AVRational"], Marshal.SizeOf<AVRational>());
    }

    [Fact]
    public void Every_constant_has_the_value_the_headers_give()
    {
        var (_, constants, _, versions) = Parse(ProbeOutput());
        var ours = typeof(AvConstants).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(LibAvUtil).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);
        foreach (var (name, value) in ours)
        {
            Assert.True(constants.TryGetValue(name, out var expected), $"{name} is declared in C# but not probed in layout_probe.c");
            Assert.Equal(expected, value);
        }
        Assert.Equal(constants.Count, ours.Count);
        Assert.Equal(LibraryNames.AvCodecMajor, versions["avcodec"]);
        Assert.Equal(LibraryNames.AvUtilMajor, versions["avutil"]);
        Assert.Equal(LibraryNames.SwScaleMajor, versions["swscale"]);
    }
}
