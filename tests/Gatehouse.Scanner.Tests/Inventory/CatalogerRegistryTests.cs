using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Inventory;

public sealed class CatalogerRegistryTests
{
    [Fact]
    public void BuiltInSetHasUniqueNamesAndAVersionedSetString()
    {
        var catalogers = Scanner.Inventory.Catalogers.BuiltIn();

        Assert.Equal(catalogers.Count, catalogers.Select(c => c.Name).Distinct().Count());
        Assert.Contains(catalogers, c => c.Name == "dpkg");
        Assert.Contains(catalogers, c => c.Name == "apk");
        Assert.Contains(catalogers, c => c.Name == "rpm");
        var set = Scanner.Inventory.Catalogers.SetVersion(catalogers);
        Assert.Contains("dpkg@", set, StringComparison.Ordinal);
        Assert.Equal(set.Split(',').Order(StringComparer.Ordinal), set.Split(','));
    }

    [Fact]
    public void DuplicateNamesAreRejectedAtStartUp()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ImageInventoryScanner(new ImageSourceOpener(), [new Named("same"), new Named("same")]));

        Assert.Contains("duplicate", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => PluginRegistry.Validate<ICataloger>([new Named("")]));
    }

    private sealed class Named(string name) : ICataloger
    {
        public string Name => name;

        public string Version => "1";

        public FileInterest Select(FileCandidate file) => FileInterest.None;

        public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Package>>([]);
    }
}
