namespace Tollgate.Storage.Tests.Grains.Renamed;

/// <summary><see cref="NoteState"/> as it would be after a rename and a move to another namespace.</summary>
public sealed class RenamedNoteState
{
    public string? Text { get; set; }
    public Colour Colour { get; set; }
    public Dictionary<string, int> Lengths { get; set; } = [];
}
