namespace Tollgate.Silo.Extensions;

public static class ConfigurationFileWatching
{
    /// <summary>The host's own switch for watching configuration files (<c>DOTNET_hostBuilder__reloadConfigOnChange</c>).</summary>
    public const string ReloadOnChangeKey = "hostBuilder:reloadConfigOnChange";

    /// <summary>
    /// Stops watching configuration files for changes outside Development, unless
    /// <see cref="ReloadOnChangeKey"/> asks for it. The host watches by default, through a file watcher
    /// on the whole content root: every file written under it (a SQLite database and its WAL, logs) wakes
    /// the silo, and nothing in Tollgate takes a changed setting without a restart.
    /// </summary>
    public static void WatchConfigurationFilesOnlyInDevelopment(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool?>(ReloadOnChangeKey) ?? builder.Environment.IsDevelopment()) return;
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not FileConfigurationSource { ReloadOnChange: true } file) continue;
            file.ReloadOnChange = false;
            sources[i] = file; // setting a source rebuilds the providers, disposing the old ones' watches
        }
    }
}
