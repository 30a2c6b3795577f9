using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Grains.Identity;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>README.md's API reference is checked against a running silo, so it cannot drift from what Tollgate does.</summary>
public sealed partial class ReadmeTests
{
    // A route row of README's API table: | `POST /v1/quota/consume` | ...
    [GeneratedRegex(@"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^` ]*)`", RegexOptions.Multiline)]
    private static partial Regex RouteRow();

    [Fact]
    public async Task The_route_table_lists_every_route_the_silo_serves_and_no_other()
    {
        var documented = RouteRow().Matches(Readme()).Select(match => $"{match.Groups[1].Value} {match.Groups[2].Value}").ToList();
        var served = await ServedRoutesAsync();

        Assert.Empty(documented.GroupBy(route => route).Where(group => group.Count() > 1).Select(group => group.Key));
        Assert.Empty(served.Except(documented)); // served but not in README
        Assert.Empty(documented.Except(served)); // in README but not served
    }

    [Fact]
    public void The_README_names_every_API_key_scope_and_no_other()
    {
        var readme = Readme();
        foreach (var scope in ApiKeyScopes.All) Assert.Contains($"`{scope}`", readme);
        var named = ScopeName().Matches(readme).Select(match => match.Groups[1].Value).ToHashSet();
        Assert.Empty(named.Except(ApiKeyScopes.All));
    }

    [GeneratedRegex(@"`([a-z]+:[a-z]+)`")]
    private static partial Regex ScopeName();

    private static string Readme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(Path.Combine(directory.FullName, "Tollgate.slnx"))) return File.ReadAllText(path);
        }
        throw new InvalidOperationException("README.md not found above the test's directory.");
    }

    private static async Task<List<string>> ServedRoutesAsync()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var silo = new SiloFactory(storage);
        using var client = silo.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(method => method.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();
    }
}
