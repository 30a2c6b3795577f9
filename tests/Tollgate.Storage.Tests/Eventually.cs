namespace Tollgate.Storage.Tests;

/// <summary>Waits for something that happens in the background (a reminder tick, a silo joining).</summary>
internal static class Eventually
{
    /// <summary>Polls until <paramref name="done"/> holds; fails with <paramref name="what"/> after a generous bound.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> done, string what)
    {
        // Generous on purpose: the bound only turns a hang into a failure, it times nothing.
        var giveUpAt = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            if (DateTime.UtcNow > giveUpAt) Assert.Fail($"Gave up waiting: {what}");
            await Task.Delay(100);
        }
    }
}
