using System.Text;
using Spectre.Console;

namespace ConvStream.Cli.Display;

/// <summary>
/// A table as convstream prints it: named columns, each aligned left or right, and rows of cells.
/// On a terminal it becomes a Spectre.Console table (<see cref="ToSpectre"/>); anywhere else (a log,
/// a pipe, a file) it is plain text that scripts parse (<see cref="ToPlainText"/>): the header and
/// one line per row, cells padded to their column's widest and separated by two spaces, no
/// trailing spaces.
/// </summary>
internal sealed class TextTable
{
    private readonly (string Header, bool Right)[] _columns;
    private readonly List<string[]> _rows = new();

    public TextTable(params (string Header, bool Right)[] columns) => _columns = columns;

    public IReadOnlyList<string[]> Rows => _rows;

    public void Add(params string[] cells)
    {
        if (cells.Length != _columns.Length) throw new ArgumentException($"a row of {cells.Length} cells in a table of {_columns.Length} columns", nameof(cells));
        _rows.Add(cells);
    }

    public string ToPlainText()
    {
        var all = _rows.Prepend(_columns.Select(c => c.Header).ToArray()).ToList();
        var widths = Enumerable.Range(0, _columns.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in all)
            sb.AppendLine(string.Join("  ", row.Select((cell, i) => _columns[i].Right ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        return sb.ToString();
    }

    /// <summary>The same cells as a Spectre.Console table (cells are text, never markup).</summary>
    public Table ToSpectre()
    {
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        foreach (var (header, right) in _columns)
        {
            var column = new TableColumn(new Text(header, new Style(decoration: Decoration.Bold)));
            table.AddColumn(right ? column.RightAligned() : column);
        }
        foreach (var row in _rows) table.AddRow(row.Select(c => new Text(c)));
        return table;
    }
}
