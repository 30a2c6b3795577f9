using Tollgate.Storage.Schema;

namespace Tollgate.Storage.Hosting;

/// <summary>Migrates the schema as the silo's first step, before membership, grain storage or reminders start.</summary>
internal sealed class SchemaMigration(SchemaMigrator migrator) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigration), ServiceLifecycleStage.First, migrator.MigrateAsync);
}
