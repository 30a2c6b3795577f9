namespace Tollgate.Api.Infrastructure;

/// <summary>
/// Repeats a grain call that lost a write race with another silo. The losing write changed
/// nothing and its activation deactivated, so the next call reloads the state and decides again.
/// </summary>
internal static class ConflictRetry
{
    private const int Attempts = 20;

    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await call(); }
            catch (Orleans.Storage.InconsistentStateException) when (attempt < Attempts) { await Task.Delay(Random.Shared.Next(1, 5 * attempt)); }
        }
    }
}
