using System.Security.Cryptography;

namespace Appliance.Host.Security;

/// <summary>
/// A 32-byte random key kept in a file only its owner can read (0600): read if it exists, else made once, written
/// to a temporary file, flushed to disk and moved into place (never overwriting one made meanwhile). A file of another
/// length is a broken installation and throws.
/// </summary>
public static class RandomKeyFile
{
    public const int Length = 32;

    /// <param name="what">Named in the error (e.g. "secret key", "signing key").</param>
    public static byte[] LoadOrCreate(string path, string what)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length != Length) throw new CryptographicException($"{what} file {path} is not {Length} bytes");
            return existing;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(Length);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(key);
            stream.Flush(true);
        }
        File.Move(temp, path, overwrite: false);
        return key;
    }
}
