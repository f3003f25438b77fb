using System.Globalization;
using System.Text.RegularExpressions;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Outputs;

/// <summary>
/// An <c>images</c> output: one still image per frame, PNG (or PGM/PPM/.npy by extension), named by
/// a printf-style pattern (<c>frames/blur-%05d.png</c>, the frame index) or, when the path has no
/// pattern, numbered files inside that folder (<c>blur/000042.png</c>). Each file is written
/// atomically, so an interrupted run leaves only complete images.
/// </summary>
public sealed partial class ImageSequenceSink : IVideoSink
{
    private readonly string _prefix, _suffix;
    private readonly int _digits;

    public ImageSequenceSink(string path)
    {
        var m = Pattern().Match(path);
        if (m.Success)
        {
            _prefix = path[..m.Index];
            _suffix = path[(m.Index + m.Length)..];
            _digits = m.Groups[1].Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
        }
        else
        {
            _prefix = path.TrimEnd('/', '\\') + Path.DirectorySeparatorChar;
            _suffix = ".png";
            _digits = 6;
        }
        Description = m.Success ? path : Path.Combine(path, "NNNNNN.png");
    }

    public string Description { get; }
    public long Frames { get; private set; }

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(_prefix + "0" + _suffix));
        try { if (dir is not null) Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvStreamException($"{Description}: cannot create folder {dir} ({e.Message})");
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        ImageFile.Write(_prefix + stamp.Index.ToString("D" + _digits, CultureInfo.InvariantCulture) + _suffix, frame);
        Frames++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [GeneratedRegex(@"%0?(\d+)?d")]
    private static partial Regex Pattern();
}
