using System.Diagnostics;
using System.Text.Json;

namespace Tollgate.Silo.Tests;

/// <summary>
/// Redocly CLI, pinned in tests/openapi-lint and installed there with <c>npm ci</c> on first use (it
/// needs Node.js and npm; the npm registry is reached once).
/// </summary>
public static class Redocly
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    public sealed record Problem(string RuleId, string Severity, string Message, string Pointer);

    /// <summary>The problems <c>redocly lint</c> finds in the document, with its recommended rules.</summary>
    public static async Task<IReadOnlyList<Problem>> LintAsync(string documentJson)
    {
        var folder = await InstalledAsync();
        var path = Path.Combine(Path.GetTempPath(), $"tollgate-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, documentJson);
        try
        {
            var (exitCode, output, errors) = await RunAsync(Path.Combine(folder, "node_modules", ".bin", "redocly"),
                ["lint", path, "--format=json", "--max-problems=1000"], folder);
            var start = output.IndexOf('{');
            if (start < 0) throw new InvalidOperationException($"redocly lint wrote no report (exit {exitCode}):\n{output}\n{errors}");
            using var report = JsonDocument.Parse(output[start..]);
            return report.RootElement.GetProperty("problems").EnumerateArray().Select(problem => new Problem(
                problem.GetProperty("ruleId").GetString()!,
                problem.GetProperty("severity").GetString()!,
                problem.GetProperty("message").GetString()!,
                problem.GetProperty("location")[0].GetProperty("pointer").GetString()!)).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> InstalledAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "openapi-lint");
        await s_install.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(folder, "node_modules", ".bin", "redocly")))
            {
                var (exitCode, output, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder);
                if (exitCode != 0) throw new InvalidOperationException($"npm ci in {folder} failed (exit {exitCode}):\n{output}\n{errors}");
            }
            return folder;
        }
        finally
        {
            s_install.Release();
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Tollgate.slnx"))) return directory.FullName;
        throw new InvalidOperationException($"No Tollgate.slnx above {AppContext.BaseDirectory}.");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string command, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
