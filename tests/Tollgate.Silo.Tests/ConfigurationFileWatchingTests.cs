using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Tollgate.Silo.Extensions;

namespace Tollgate.Silo.Tests;

/// <summary>
/// Configuration files are watched for changes in Development only: a watch on the content root wakes on every file written under it.
/// </summary>
public sealed class ConfigurationFileWatchingTests : IDisposable
{
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("tollgate-content-").FullName;

    public ConfigurationFileWatchingTests() => File.WriteAllText(Path.Combine(_contentRoot, "appsettings.json"), """{ "Probe": "read" }""");

    [Theory]
    [InlineData("Production", null, false)]
    [InlineData("Staging", null, false)]
    [InlineData("Development", null, true)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void Configuration_files_are_watched_only_in_Development_or_when_asked(string environment, string? reload, bool watched)
    {
        var args = reload is null ? [] : new[] { $"--{ConfigurationFileWatching.ReloadOnChangeKey}={reload}" };
        var builder = WebApplication.CreateBuilder(
            new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = _contentRoot, Args = args });

        builder.WatchConfigurationFilesOnlyInDevelopment();

        var files = builder.Configuration.Sources.OfType<FileConfigurationSource>().ToList();
        Assert.Contains(files, file => file.Path == "appsettings.json");
        Assert.All(files, file => Assert.Equal(watched, file.ReloadOnChange));
        Assert.Equal("read", builder.Configuration["Probe"]); // still read once, at start
    }

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);
}
