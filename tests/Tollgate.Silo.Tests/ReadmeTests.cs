using System.Diagnostics;
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

    [Fact]
    public async Task The_quick_try_runs_as_written_and_runs_again_on_the_same_data()
    {
        var readme = Readme();
        // The silo as README starts it, with its operator; the script as README gives it, pointed at that silo.
        var start = QuickTryStart().Match(readme);
        Assert.True(start.Success, "README's quick try no longer starts the silo with Admin__Email and Admin__Password");
        using var silo = new SiloProcess(new Dictionary<string, string>
        {
            ["Admin__Email"] = start.Groups[1].Value,
            ["Admin__Password"] = start.Groups[2].Value,
        });
        await silo.StartAsync();
        var script = ShellBlock().Matches(readme).Select(match => match.Groups[1].Value).Single(block => block.Contains("/v1/quota/consume"))
            .Replace("localhost:5000", silo.BaseAddress.Authority);

        var first = await RunAsync(script);
        Assert.Contains("HTTP/1.1 200 OK", first);
        Assert.Contains("X-Quota-Remaining: 99", first, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"used\":1,", first);
        Assert.DoesNotContain("Idempotent-Replayed", first, StringComparison.OrdinalIgnoreCase);

        // Again on the same data, as README says: what exists answers 409, the customer logs in, and the consume is replayed.
        var second = await RunAsync(script);
        Assert.Contains("\"code\":\"email_taken\"", second);
        Assert.Contains("\"code\":\"conflict\"", second);
        Assert.Contains("HTTP/1.1 200 OK", second);
        Assert.Contains("Idempotent-Replayed: true", second, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-Quota-Remaining: 99", second, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^Admin__Email=(\S+) Admin__Password=(\S+) dotnet run --project Silo$", RegexOptions.Multiline)]
    private static partial Regex QuickTryStart();

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    /// <summary>Runs <paramref name="script"/> with bash (curl and jq, as README asks) and returns what it printed.</summary>
    private static async Task<string> RunAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var finished = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bash.WaitForExitAsync(finished.Token);
        Assert.True(bash.ExitCode == 0, $"The quick try failed ({bash.ExitCode}): {await errors}\n{await output}");
        return await output;
    }

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
