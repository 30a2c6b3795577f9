namespace Tollgate.Storage.Tests;

/// <summary>The SQLite database and its directory are readable by their owner only.</summary>
public sealed class SqliteFileModeTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    [Fact]
    public async Task The_directory_is_0700_and_the_file_and_its_wal_and_shm_are_0600()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var target = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        var file = target.ConnectionString["Data Source=".Length..];

        await using (var database = await Databases.OpenMigratedAsync(target))
        {
            await Databases.QueryAsync(database, "CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1); SELECT 1");

            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                Assert.True(File.Exists(path), path);
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
            }
        }
    }

    [Fact]
    public async Task An_existing_file_readable_by_others_is_narrowed_to_the_owner()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var target = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        var file = target.ConnectionString["Data Source=".Length..];
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, []);
        File.SetUnixFileMode(file, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var database = await Databases.OpenMigratedAsync(target);

        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file));
    }
}
