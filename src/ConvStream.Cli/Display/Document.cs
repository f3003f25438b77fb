using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ConvStream.Cli.Display;

/// <summary>
/// A command's report as lines of text and tables, in order: printed plain (<see cref="ToPlainText"/>:
/// tables as aligned text, indented as asked) or drawn on a terminal (<see cref="Render"/>: tables
/// as Spectre.Console tables, headings bold).
/// </summary>
internal sealed class Document
{
    private readonly List<(string? Line, bool Heading, TextTable? Table, int Indent)> _parts = new();

    public Document Line(string text, bool heading = false) { _parts.Add((text, heading, null, 0)); return this; }

    public Document Table(TextTable table, int indent = 0) { _parts.Add((null, false, table, indent)); return this; }

    public string ToPlainText()
    {
        var sb = new StringBuilder();
        foreach (var (line, _, table, indent) in _parts)
        {
            if (line is not null) { sb.AppendLine(line); continue; }
            foreach (var row in table!.ToPlainText().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                sb.Append(' ', indent).AppendLine(row.TrimEnd('\r'));
        }
        return sb.ToString();
    }

    public void Render(IAnsiConsole console)
    {
        foreach (var (line, heading, table, indent) in _parts)
        {
            IRenderable part = line is not null
                ? new Text(line + Environment.NewLine, heading ? new Style(decoration: Decoration.Bold) : Style.Plain)
                : indent > 0 ? new Padder(table!.ToSpectre(), new Padding(indent, 0, 0, 0)) : table!.ToSpectre();
            console.Write(part);
        }
    }

    /// <summary>Drawn when <paramref name="writer"/> is a terminal, plain otherwise (<see cref="Terminal"/>).</summary>
    public void WriteTo(TextWriter writer)
    {
        if (Terminal.Rich(writer) is { } console) Render(console);
        else writer.Write(ToPlainText());
    }
}
