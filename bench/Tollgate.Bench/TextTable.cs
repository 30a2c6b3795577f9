using System.Text;

namespace Tollgate.Bench;

/// <summary>A plain table with aligned columns; text columns align left, numeric ones right.</summary>
public sealed class TextTable(params (string Header, bool AlignRight)[] columns)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != columns.Length) throw new ArgumentException($"Expected {columns.Length} cells, got {cells.Length}.", nameof(cells));
        _rows.Add(cells);
    }

    public override string ToString()
    {
        var header = columns.Select(c => c.Header).ToArray();
        var widths = columns.Select((_, i) => _rows.Prepend(header).Max(row => row[i].Length)).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((cell, i) =>
            columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _rows) Line(row);
        return text.ToString();
    }
}
