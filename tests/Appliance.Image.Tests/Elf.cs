namespace Appliance.Image.Tests;

/// <summary>The machine an ELF file is built for (<c>e_machine</c>), or null when the file is no ELF file.</summary>
internal static class Elf
{
    public const ushort X86_64 = 62;
    public const ushort AArch64 = 183;

    public static ushort? Machine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
        if (header[0] != 0x7F || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F') return null;
        // EI_DATA (byte 5): 1 little-endian, 2 big-endian; e_machine is bytes 18-19.
        return header[5] switch
        {
            1 => (ushort)(header[18] | header[19] << 8),
            2 => (ushort)(header[18] << 8 | header[19]),
            _ => null,
        };
    }
}
