namespace Tollgate.Storage.Tests.Grains;

public sealed class NoteState
{
    public string? Text { get; set; }
    public Colour Colour { get; set; }
    public Dictionary<string, int> Lengths { get; set; } = [];
}
