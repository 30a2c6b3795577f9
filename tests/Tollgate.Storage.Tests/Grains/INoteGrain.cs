namespace Tollgate.Storage.Tests.Grains;

/// <summary>A grain whose state goes through Tollgate's grain storage.</summary>
public interface INoteGrain : IGrainWithStringKey
{
    Task SetAsync(string text, Colour colour);

    Task<string?> GetTextAsync();
}
