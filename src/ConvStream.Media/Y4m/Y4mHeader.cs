using ConvStream.Engine.Geometry;
using System.Globalization;
using System.Text;
using ConvStream.Engine;

namespace ConvStream.Media.Y4m;

/// <summary>How a Y4M stream stores chroma: 4:2:0, 4:2:2, 4:4:4 or none (mono).</summary>
public enum Y4mChroma { C420, C422, C444, Mono }

/// <summary>
/// The YUV4MPEG2 stream header: <c>YUV4MPEG2 W640 H360 F30:1 Ip A1:1 C420jpeg XCOLORRANGE=LIMITED</c>.
/// Only 8-bit layouts are supported (420jpeg/420paldv/420mpeg2/420, 422, 444, mono); the chroma
/// siting variants differ only in where samples sit, which nearest-neighbour upsampling ignores.
/// </summary>
public sealed record Y4mHeader
{
    public const string Magic = "YUV4MPEG2";

    public required int Width { get; init; }
    public required int Height { get; init; }
    public int RateNumerator { get; init; } = 30;
    public int RateDenominator { get; init; } = 1;
    public Y4mChroma Chroma { get; init; } = Y4mChroma.C420;
    /// <summary>The colorspace tag as written (420jpeg, 444, mono …).</summary>
    public string ChromaTag { get; init; } = "420jpeg";
    public bool FullRange { get; init; }

    public int ChromaWidth => Chroma switch { Y4mChroma.C444 => Width, Y4mChroma.Mono => 0, _ => (Width + 1) / 2 };
    public int ChromaHeight => Chroma switch { Y4mChroma.C420 => (Height + 1) / 2, Y4mChroma.Mono => 0, _ => Height };
    public int FrameBytes => checked(Width * Height + 2 * ChromaWidth * ChromaHeight);

    public static Y4mHeader Parse(string line, string path)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != Magic)
            throw new ConvStreamException($"{path}: not a Y4M file (it does not start with '{Magic} ')");
        int w = 0, h = 0, fn = 30, fd = 1;
        string tag = "420jpeg";
        bool full = false;
        foreach (string t in tokens.Skip(1))
        {
            string v = t[1..];
            switch (t[0])
            {
                case 'W': w = Int(v, "width W", path); break;
                case 'H': h = Int(v, "height H", path); break;
                case 'F':
                    var p = v.Split(':');
                    if (p.Length != 2) throw new ConvStreamException($"{path}: Y4M frame rate '{t}' is not F<num>:<den>");
                    fn = Int(p[0], "frame rate F", path); fd = Int(p[1], "frame rate F", path);
                    break;
                case 'C': tag = v; break;
                case 'X':
                    if (v.Equals("COLORRANGE=FULL", StringComparison.OrdinalIgnoreCase)) full = true;
                    break;
                // I (interlacing) and A (aspect) do not change how samples are stored.
            }
        }
        if (w <= 0 || h <= 0) throw new ConvStreamException($"{path}: Y4M header has no valid W and H ('{line}')");
        GeometryLimits.Frame(w, h, 3, 1, $"{path}: Y4M header");
        if (fn <= 0 || fd <= 0) { fn = 30; fd = 1; }
        var chroma = tag switch
        {
            "420jpeg" or "420paldv" or "420mpeg2" or "420" => Y4mChroma.C420,
            "422" => Y4mChroma.C422,
            "444" => Y4mChroma.C444,
            "mono" => Y4mChroma.Mono,
            _ => throw new ConvStreamException($"{path}: Y4M colorspace C{tag} is not supported (8-bit 420jpeg, 420paldv, 420mpeg2, 420, 422, 444 or mono)"),
        };
        return new Y4mHeader { Width = w, Height = h, RateNumerator = fn, RateDenominator = fd, Chroma = chroma, ChromaTag = tag, FullRange = full || chroma == Y4mChroma.Mono };
    }

    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Magic} W{Width} H{Height} F{RateNumerator}:{RateDenominator} Ip A1:1 C{ChromaTag}");
        if (Chroma == Y4mChroma.C420 && ChromaTag == "420jpeg") sb.Append(" XYSCSS=420JPEG");
        if (Chroma != Y4mChroma.Mono) sb.Append(FullRange ? " XCOLORRANGE=FULL" : " XCOLORRANGE=LIMITED");
        sb.Append('\n');
        return sb.ToString();
    }

    private static int Int(string s, string what, string path)
        => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ConvStreamException($"{path}: Y4M {what} '{s}' is not a number");
}
