using System.IO.MemoryMappedFiles;

namespace Appliance.Isolation.Rings;

/// <summary>A ring file mapped into this process; raw access to its bytes for <see cref="RingWriter"/> and <see cref="RingReader"/>.</summary>
internal sealed unsafe class MappedRing : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    private MappedRing(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    public long Length { get; }

    public byte* Base => _base != null ? _base : throw new ObjectDisposedException(nameof(MappedRing));

    public static MappedRing Create(string path, long length)
    {
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.SetLength(length);
        }
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, length, MemoryMappedFileAccess.ReadWrite);
        return new MappedRing(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite), length);
    }

    /// <summary>Maps an existing ring read-only (a reader cannot write into the writer's ring).</summary>
    public static MappedRing OpenRead(string path)
    {
        var length = new FileInfo(path).Length;
        if (length < RingLayout.HeaderSize) throw new InvalidDataException($"ring file is {length} bytes, shorter than its {RingLayout.HeaderSize}-byte header");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var file = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        return new MappedRing(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
    }

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
