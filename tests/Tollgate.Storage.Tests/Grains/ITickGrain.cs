namespace Tollgate.Storage.Tests.Grains;

/// <summary>A grain with a reminder, which counts its ticks in memory.</summary>
public interface ITickGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);

    Task<int> GetTicksAsync();
}
