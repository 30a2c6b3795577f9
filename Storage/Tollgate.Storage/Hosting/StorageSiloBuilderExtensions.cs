using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Tollgate.Storage.Hosting;
using Tollgate.Storage.Reminders;
using Tollgate.Storage.Schema;

namespace Tollgate.Storage;

public static class StorageSiloBuilderExtensions
{
    /// <summary>
    /// Tollgate's database under the silo: its schema, migrated at start; Orleans' ADO.NET grain
    /// storage (as JSON without type names); Tollgate's group-commit storage for grains whose changes carry records; reminders
    /// (Orleans' ADO.NET table on PostgreSQL, Tollgate's own on SQLite); the journal with its readers; and the sweep of expired entries.
    /// </summary>
    public static ISiloBuilder UseTollgateStorage(this ISiloBuilder silo, StorageOptions options)
    {
        var database = SqlDatabase.Create(options);
        silo.Services.AddSingleton(options).AddSingleton(database).AddSingleton<SchemaMigrator>().AddSingleton<LegacyStateMove>()
            .AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigration>();
        silo.Services.AddSingleton(sp => new SqlJournal(sp.GetRequiredService<SqlDatabase>(), options))
            .AddSingleton<IStateEntryReader>(sp => sp.GetRequiredService<SqlJournal>())
            .AddSingleton<IJournalReader>(sp => sp.GetRequiredService<SqlJournal>())
            .AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqlJournal>());
        silo.Services.AddSingleton(sp => new Email.EmailOutbox(sp.GetRequiredService<SqlDatabase>()));
        silo.Services.AddSingleton(sp => new Webhooks.WebhookStore(sp.GetRequiredService<SqlDatabase>()));
        silo.Services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        silo.Services.AddHostedService<ExpiredEntrySweeper>();
        silo.AddAdoNetGrainStorage(StorageNames.Default, storage =>
        {
            (storage.Invariant, storage.ConnectionString) = (database.Invariant, database.ConnectionString);
            storage.GrainStorageSerializer = new PlainJsonGrainStorageSerializer();
        });
        // Orleans finds a named storage as a keyed IGrainStorage service; this registers it so.
        silo.Services.AddGrainStorage(StorageNames.GroupCommit,
            (sp, _) => new GroupCommitGrainStorage(sp.GetRequiredService<SqlDatabase>(), sp.GetRequiredService<SqlJournal>()));
        if (options.Provider == StorageProviderKind.PostgreSql)
        {
            silo.UseAdoNetReminderService(reminders => (reminders.Invariant, reminders.ConnectionString) = (database.Invariant, database.ConnectionString));
        }
        else
        {
            silo.AddReminders();
            silo.Services.AddSingleton<IReminderTable, SqliteReminderTable>();
        }
        return silo;
    }
}
