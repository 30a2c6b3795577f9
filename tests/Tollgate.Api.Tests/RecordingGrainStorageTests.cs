using System.Reflection;
using Tollgate.Grains.Journal;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>
/// Records commit with their state only on the group-commit storage: on Orleans' storage they would stay
/// in the stored outbox and never reach the journal. So every grain state that carries records names it.
/// </summary>
public sealed class RecordingGrainStorageTests
{
    [Fact]
    public void Every_state_with_records_is_on_the_group_commit_storage()
    {
        var states = typeof(RecordingGrain).Assembly.GetTypes().Where(type => type.IsAssignableTo(typeof(Grain)))
            .SelectMany(type => type.GetConstructors())
            .SelectMany(constructor => constructor.GetParameters())
            .Where(parameter => parameter.ParameterType is { IsGenericType: true } type
                && type.GetGenericArguments()[0] is { IsGenericType: true } state
                && state.GetGenericTypeDefinition() == typeof(StateAndOutbox<>))
            .ToList();

        Assert.True(states.Count >= 7); // tenant, user, session, subscription, catalog, provider event, quota counter, and any added since
        Assert.All(states, parameter =>
            Assert.Equal(StorageNames.GroupCommit, parameter.GetCustomAttribute<PersistentStateAttribute>()?.StorageName));
    }
}
