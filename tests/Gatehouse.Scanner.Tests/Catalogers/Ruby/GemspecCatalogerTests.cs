using Gatehouse.Scanner.Catalogers.Ruby;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Tests.Catalogers.Ruby;

public sealed class GemspecCatalogerTests
{
    private const string Specs = "usr/local/bundle/specifications";

    // Shape of what RubyGems writes on install (Gem::Specification#to_ruby).
    private const string Rails = """
        # -*- encoding: utf-8 -*-
        # stub: rails 7.1.3 ruby lib

        Gem::Specification.new do |s|
          s.name = "rails".freeze
          s.version = "7.1.3".freeze

          s.required_rubygems_version = Gem::Requirement.new(">= 1.8.11".freeze) if s.respond_to? :required_rubygems_version=
          s.authors = ["David Heinemeier Hansson".freeze]
          s.licenses = ["MIT".freeze]
          s.summary = "Full-stack web application framework.".freeze

          s.specification_version = 4

          s.add_runtime_dependency(%q<rack>.freeze, [">= 2.2.4".freeze])
          s.add_dependency(%q<missing>.freeze, ["= 1.0".freeze])
          s.add_development_dependency(%q<rake>.freeze, [">= 0".freeze])
        end
        """;

    private readonly GemspecCataloger _cataloger = new();

    [Theory]
    [InlineData("usr/local/bundle/specifications/rails-7.1.3.gemspec", FileInterest.Content)]
    [InlineData("usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", FileInterest.Content)]
    [InlineData("srv/app/myapp.gemspec", FileInterest.None)]
    public void Selects_installed_specifications(string path, FileInterest expected)
    {
        Assert.Equal(expected, _cataloger.Select(new FileCandidate(path, 10, UnixFileMode.UserRead, 0)));
    }

    [Fact]
    public void Reads_name_version_licences_and_runtime_edges_without_evaluating_ruby()
    {
        var run = LanguageFixtures.Catalog(_cataloger,
            ($"{Specs}/rails-7.1.3.gemspec", Rails),
            ($"{Specs}/rack-3.0.8.gemspec", "Gem::Specification.new do |spec|\n  spec.name = 'rack'\n  spec.version = '3.0.8'\n  spec.license = 'MIT'\nend\n"),
            ($"{Specs}/rake-13.1.0.gemspec", "Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.1.0\"\nend\n"));
        Assert.Empty(run.Problems);
        var rails = run.Single("rails");
        Assert.Equal(("7.1.3", "pkg:gem/rails@7.1.3"), (rails.Version, rails.Purl));
        Assert.Equal(["MIT"], rails.Licenses);
        Assert.Equal([$"pkg:gem/rack@3.0.8|{Specs}/rack-3.0.8.gemspec"], rails.DependsOn);
        Assert.Equal(["MIT"], run.Single("rack").Licenses);
    }

    [Fact]
    public void A_gemspec_without_a_version_is_a_problem()
    {
        var run = LanguageFixtures.Catalog(_cataloger,
            ($"{Specs}/broken-1.0.gemspec", "Gem::Specification.new do |s|\n  s.name = \"broken\"\nend\n"),
            ($"{Specs}/rails-7.1.3.gemspec", Rails));
        Assert.Equal($"{Specs}/broken-1.0.gemspec", Assert.Single(run.Problems).Path);
        Assert.Equal("rails", Assert.Single(run.Packages).Name);
    }
}
