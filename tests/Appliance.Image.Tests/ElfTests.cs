namespace Appliance.Image.Tests;

public sealed class ElfTests
{
    [Fact]
    public void This_machines_shell_is_x86_64_negative_control_for_the_arm64_check() =>
        Assert.Equal(Elf.X86_64, Elf.Machine("/bin/sh"));

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' })]
    [InlineData(new byte[] { (byte)'#', (byte)'!', (byte)'/', (byte)'b', (byte)'i', (byte)'n', (byte)'/', (byte)'s', (byte)'h', 10, 0, 0, 0, 0, 0, 0, 0, 0, 183, 0 })]
    [InlineData(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 183, 0 })]
    public void Short_foreign_or_undecidable_files_are_no_elf(byte[] content)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, content);
            Assert.Null(Elf.Machine(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_aarch64_header_is_read_in_its_byte_order()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 183, 0]);
            Assert.Equal(Elf.AArch64, Elf.Machine(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
