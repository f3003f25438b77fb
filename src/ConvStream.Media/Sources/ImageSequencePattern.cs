using System.Globalization;
using System.Text.RegularExpressions;
using ConvStream.Engine;

namespace ConvStream.Media.Sources;

/// <summary>
/// A printf-style file pattern with one integer field (<c>out/frame_%05d.png</c>), as ffmpeg's
/// image2 format uses: expands an index to a path and finds the run of existing files.
/// </summary>
public sealed partial class ImageSequencePattern
{
    private readonly string _prefix, _suffix;
    private readonly int _width;
    private readonly bool _zeroPad;

    public ImageSequencePattern(string pattern)
    {
        Pattern = pattern;
        var matches = Field().Matches(pattern);
        if (matches.Count != 1)
            throw new ConvStreamException($"image sequence '{pattern}' needs exactly one %d field, e.g. frame_%05d.png");
        var m = matches[0];
        _prefix = pattern[..m.Index].Replace("%%", "%");
        _suffix = pattern[(m.Index + m.Length)..].Replace("%%", "%");
        _zeroPad = m.Groups[1].Value.StartsWith('0');
        _width = m.Groups[1].Value.Length > 0 ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    public string Pattern { get; }

    public static bool IsPattern(string path) => Field().IsMatch(path);

    public string PathOf(long index)
    {
        string n = index.ToString(CultureInfo.InvariantCulture);
        if (n.Length < _width) n = n.PadLeft(_width, _zeroPad ? '0' : ' ');
        return _prefix + n + _suffix;
    }

    /// <summary>The first index that exists among 0..4 (as ffmpeg looks) and how many consecutive files follow.</summary>
    public (long Start, long Count) Find()
    {
        for (long start = 0; start <= 4; start++)
        {
            if (!File.Exists(PathOf(start))) continue;
            long count = 1;
            while (File.Exists(PathOf(start + count))) count++;
            return (start, count);
        }
        throw new ConvStreamException($"image sequence '{Pattern}': no file {PathOf(0)} (nor indices 1..4)");
    }

    [GeneratedRegex(@"%(0?\d*)d")]
    private static partial Regex Field();
}
