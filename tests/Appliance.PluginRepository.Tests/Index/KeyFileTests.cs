using System.Text;

namespace Appliance.PluginRepository.Tests.Index;

/// <summary>Key and signature files: Ed25519 sign/verify, and bad files refused with a reason (never an exception).</summary>
public sealed class KeyFileTests
{
    [Fact]
    public void A_signature_verifies_with_its_key_and_not_with_another_or_after_a_flipped_byte()
    {
        var (secret, pub) = RepositoryKeys.Generate();
        var (_, otherPub) = RepositoryKeys.Generate();
        var seed = RepositoryKeys.ReadPrivate(secret).Value;
        var message = Encoding.UTF8.GetBytes("{\"serial\":1}");
        var signature = RepositoryKeys.Sign(message, seed);
        var key = new TrustedKey("good", RepositoryKeys.ReadPublic(pub).Value);
        var other = new TrustedKey("other", RepositoryKeys.ReadPublic(otherPub).Value);
        Assert.Equal("good", RepositoryKeys.VerifyAny(message, signature, [other, key]).Value.Name);
        Assert.Equal(pub, RepositoryKeys.PublicOf(seed));
        var wrong = RepositoryKeys.VerifyAny(message, signature, [other]);
        Assert.Equal("bad-signature", wrong.Failure?.Code);
        Assert.Contains("(other)", wrong.Failure!.Message, StringComparison.Ordinal);
        message[3] ^= 0x01;
        Assert.Equal("bad-signature", RepositoryKeys.VerifyAny(message, signature, [key]).Failure?.Code);
        Assert.Equal("untrusted", RepositoryKeys.VerifyAny(message, signature, []).Failure?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ed25519-public:")]
    [InlineData("ed25519-public:!!!notbase64")]
    [InlineData("ed25519-public:AAAA")]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")]
    public void A_bad_public_key_file_is_malformed(string text) =>
        Assert.Equal("malformed", RepositoryKeys.ReadPublic(text).Failure?.Code);

    [Theory]
    [InlineData("")]
    [InlineData("<html>captive portal</html>")]
    [InlineData("ed25519-signature:AAAA")]
    public void A_bad_signature_file_is_malformed(string text)
    {
        var (_, pub) = RepositoryKeys.Generate();
        Assert.Equal("malformed", RepositoryKeys.VerifyAny([1, 2, 3], text, [new TrustedKey("k", RepositoryKeys.ReadPublic(pub).Value)]).Failure?.Code);
    }

    [Fact]
    public void Trust_roots_skip_and_report_files_that_are_not_keys()
    {
        var folder = Directory.CreateTempSubdirectory("appl-trust-").FullName;
        try
        {
            var (_, pub) = RepositoryKeys.Generate();
            File.WriteAllText(Path.Combine(folder, "a-good.pub"), pub);
            File.WriteAllText(Path.Combine(folder, "b-bad.pub"), "not a key");
            File.WriteAllText(Path.Combine(folder, "c-ignored.txt"), pub);
            File.WriteAllBytes(Path.Combine(folder, "d-huge.pub"), new byte[10_000]);
            var (keys, problems) = TrustRoots.Load(folder);
            Assert.Equal(["a-good"], keys.Select(k => k.Name));
            Assert.Equal(2, problems.Count);
            Assert.Contains(problems, p => p.Message.Contains("b-bad.pub", StringComparison.Ordinal));
            Assert.Equal("not-found", TrustRoots.Load(Path.Combine(folder, "missing")).Problems.Single().Code);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
