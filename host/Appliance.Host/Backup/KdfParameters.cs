using System.Text;
using Appliance.Abstractions;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Appliance.Host.Backup;

/// <summary>
/// Argon2id (RFC 9106) parameters as the envelope header names them. The writer uses <see cref="Default"/>; a reader
/// derives only with parameters inside the bounds (a header claiming 4 TiB of memory is refused before any work).
/// </summary>
public sealed record KdfParameters(string Name, int MemoryKiB, int Iterations, int Parallelism)
{
    public const string Argon2id = "argon2id";

    public const int MinMemoryKiB = 64 * 1024;

    public const int MaxMemoryKiB = 256 * 1024;

    public const int MaxIterations = 10;

    public const int MaxParallelism = 8;

    /// <summary>64 MiB, 3 passes, 1 lane: RFC 9106's second recommended option, within a small board's memory.</summary>
    public static KdfParameters Default { get; } = new(Argon2id, MinMemoryKiB, 3, 1);

    /// <summary>The parameters, or why they are refused (without deriving anything).</summary>
    public Result<KdfParameters> Checked()
    {
        if (Name != Argon2id) return new Failure("malformed", $"kdf '{Name}' is not supported (only {Argon2id})");
        if (MemoryKiB is < MinMemoryKiB or > MaxMemoryKiB)
            return new Failure("malformed", $"kdf memory {MemoryKiB} KiB is outside {MinMemoryKiB}..{MaxMemoryKiB} KiB; the file is refused without deriving");
        if (Iterations is < 1 or > MaxIterations) return new Failure("malformed", $"kdf iterations {Iterations} is outside 1..{MaxIterations}");
        if (Parallelism is < 1 or > MaxParallelism) return new Failure("malformed", $"kdf parallelism {Parallelism} is outside 1..{MaxParallelism}");
        return this;
    }

    /// <summary>A 256-bit key from the passphrase and salt. Only call with <see cref="Checked"/> parameters.</summary>
    public byte[] DeriveKey(string passphrase, byte[] salt)
    {
        var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithSalt(salt)
            .WithMemoryAsKB(MemoryKiB)
            .WithIterations(Iterations)
            .WithParallelism(Parallelism)
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        var key = new byte[32];
        generator.GenerateBytes(Encoding.UTF8.GetBytes(passphrase), key);
        return key;
    }
}
