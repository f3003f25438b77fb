using System.Diagnostics;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Color;
using ConvStream.Media.Images;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>
/// A numbered image sequence (PNG, JPEG, BMP, TIFF, WebP, PGM/PPM) decoded in-process by OpenCV's
/// imgcodecs (no ffmpeg), as <c>cv2.imread</c> reads each file. Every file must have the first one's
/// size; gray files give BGR frames by replication and colour files give gray ones by OpenCV's
/// formula when asked. A file that cannot be decoded ends the stream with an error naming the file
/// and its frame index; the frames before it have been handed out.
/// </summary>
public sealed class ImageFilesSource : IVideoSource
{
    private readonly ImageSequencePattern _pattern;
    private readonly long _start;
    private long _index;

    private ImageFilesSource(ImageSequencePattern pattern, long start, VideoInfo info)
    {
        _pattern = pattern;
        _start = start;
        Info = info;
    }

    public VideoInfo Info { get; }

    public static ImageFilesSource Open(string pattern, int rateNumerator = 30, int rateDenominator = 1, int channels = 3)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{pattern}: channels must be 1 (gray) or 3 (BGR), not {channels}");
        if (rateNumerator <= 0 || rateDenominator <= 0) throw new ConvStreamException($"{pattern}: frame rate {rateNumerator}/{rateDenominator} must be positive");
        var seq = new ImageSequencePattern(pattern);
        var (start, count) = seq.Find();
        string first = seq.PathOf(start);
        var header = ImageFile.ReadFormat(first);
        var info = new VideoInfo
        {
            Width = header.Width, Height = header.Height, Channels = channels,
            FrameRateNumerator = rateNumerator, FrameRateDenominator = rateDenominator, FrameCount = count,
            Duration = TimeSpan.FromSeconds((double)count * rateDenominator / rateNumerator),
        };
        return new ImageFilesSource(seq, start, info);
    }

    public ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (destination.Width != Info.Width || destination.Height != Info.Height || destination.Channels != Info.Channels || destination.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{_pattern.Pattern}: frame {destination.ShapeText} does not fit its {Info.Width}x{Info.Height}x{Info.Channels} u8 frames");
        if (_index >= Info.FrameCount) return new ValueTask<FrameStamp?>((FrameStamp?)null);
        string path = _pattern.PathOf(_start + _index);
        if (!File.Exists(path)) throw new ConvStreamException($"{path}: the image sequence's frame {_index} disappeared while reading");
        Frame image;
        try { image = ImageFile.Read(path); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{_pattern.Pattern}: frame {_index}: {e.Message}", e); }
        if (image.Width != Info.Width || image.Height != Info.Height)
            throw new ConvStreamException($"{path}: frame {_index} is {image.Width}x{image.Height} but the sequence is {Info.Width}x{Info.Height}");
        for (int y = 0; y < image.Height; y++)
        {
            var src = image.RowSpan(y);
            var dst = destination.RowSpan(y);
            if (image.Channels == destination.Channels) src.CopyTo(dst);
            else if (image.Channels == 3) GrayFromBgr.Row(src, dst);
            else for (int x = 0; x < image.Width; x++) dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = src[x];
        }
        long i = _index++;
        var pts = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond * Info.FrameRateDenominator / Info.FrameRateNumerator);
        return new ValueTask<FrameStamp?>(new FrameStamp(i, pts, Stopwatch.GetTimestamp()));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
