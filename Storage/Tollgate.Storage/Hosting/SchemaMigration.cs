using Tollgate.Storage.Schema;

namespace Tollgate.Storage.Hosting;

/// <summary>
/// Migrates the schema as the silo's first step, before membership, grain storage or reminders start,
/// then moves the states earlier versions kept elsewhere (<see cref="LegacyStateMove"/>).
/// </summary>
internal sealed class SchemaMigration(SchemaMigrator migrator, LegacyStateMove move) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigration), ServiceLifecycleStage.First, async cancellationToken =>
        {
            await migrator.MigrateAsync(cancellationToken);
            await move.MoveAsync(cancellationToken);
        });
}
