using Appliance.Access.Tests.Support;

namespace Appliance.Access.Tests.DirectoryLogins;

/// <summary>One slapd with TLS (certificate from a CA the test made) serving <see cref="TestTree"/>, shared by a test class.</summary>
public sealed class DirectoryFixture : IAsyncLifetime
{
    public TestAuthority Authority { get; } = new("Appliance test directory CA");

    public SlapdDirectory Slapd { get; private set; } = null!;

    /// <summary>The CA's certificate as a PEM file, for the host's <c>auth.ldap.trustedCaFile</c> and LDAPTLS_CACERT.</summary>
    public string CaFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Slapd = await SlapdDirectory.StartAsync(TestTree.Suffix, TestTree.Ldif(), Authority.IssueServer(System.Net.IPAddress.Loopback));
        CaFile = Path.Combine(Slapd.WorkDirectory, "trusted-ca.pem");
        await File.WriteAllTextAsync(CaFile, Authority.CertificatePem);
    }

    public async Task DisposeAsync()
    {
        await Slapd.DisposeAsync();
        Authority.Dispose();
    }
}
