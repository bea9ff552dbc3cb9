using Appliance.Testing;

namespace Appliance.Portal.Tests.Support;

/// <summary>Every page test: one browser, one host with an administrator; run one after another (2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<AdminHostFixture>
{
    public const string Name = "portal";
}
