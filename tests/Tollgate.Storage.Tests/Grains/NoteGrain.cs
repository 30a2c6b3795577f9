namespace Tollgate.Storage.Tests.Grains;

public sealed class NoteGrain([PersistentState(NoteGrain.StateName, StorageNames.Default)] IPersistentState<NoteState> state)
    : Grain, INoteGrain
{
    public const string StateName = "note";

    public async Task SetAsync(string text, Colour colour)
    {
        state.State.Text = text;
        state.State.Colour = colour;
        state.State.Lengths[text] = text.Length;
        await state.WriteStateAsync();
    }

    public Task<string?> GetTextAsync() => Task.FromResult(state.State.Text);
}
