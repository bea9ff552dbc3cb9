using System.Buffers.Binary;
using System.Text;

namespace Appliance.Plugins.Recording.Protocol.Mp4;

/// <summary>
/// Writes ISO base media file format boxes (ISO/IEC 14496-12) into memory: big-endian fields, and nested boxes whose
/// 32-bit size is filled in when they close. For the small boxes of a movie header; media data is streamed apart.
/// </summary>
internal sealed class BoxWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly Stack<long> _open = new();

    public long Length => _buffer.Length;

    /// <summary>Opens a box; every <see cref="Open"/> is matched by a <see cref="Close"/>.</summary>
    public BoxWriter Open(string type)
    {
        _open.Push(_buffer.Length);
        U32(0);
        Ascii(type);
        return this;
    }

    /// <summary>Opens a full box (a box with a version and 24 bits of flags).</summary>
    public BoxWriter OpenFull(string type, byte version, uint flags) => Open(type).U8(version).U24(flags);

    public BoxWriter Close()
    {
        var start = _open.Pop();
        var size = _buffer.Length - start;
        if (size > uint.MaxValue) throw new InvalidOperationException($"a header box of {size} bytes");
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetBuffer().AsSpan((int)start, 4), (uint)size);
        return this;
    }

    public BoxWriter U8(byte value)
    {
        _buffer.WriteByte(value);
        return this;
    }

    public BoxWriter U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    public BoxWriter U24(uint value) => U8((byte)(value >> 16)).U8((byte)(value >> 8)).U8((byte)value);

    public BoxWriter U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    public BoxWriter U64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    public BoxWriter Zeros(int count)
    {
        for (var i = 0; i < count; i++) _buffer.WriteByte(0);
        return this;
    }

    public BoxWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public BoxWriter Ascii(string text)
    {
        _buffer.Write(Encoding.ASCII.GetBytes(text));
        return this;
    }

    /// <summary>The unity matrix of mvhd and tkhd (16.16 and 2.30 fixed point).</summary>
    public BoxWriter UnityMatrix() =>
        U32(0x00010000).U32(0).U32(0).U32(0).U32(0x00010000).U32(0).U32(0).U32(0).U32(0x40000000);

    public byte[] ToArray()
    {
        if (_open.Count > 0) throw new InvalidOperationException($"{_open.Count} box(es) not closed");
        return _buffer.ToArray();
    }
}
