using ConvStream.Engine.Geometry;
using System.Diagnostics;
using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Synthetic;

/// <summary>
/// A moving test pattern made in memory, with no file and no ffmpeg: colour ramps, a checkerboard
/// and bright discs that move every frame, so edges, flat areas and gradients all occur and
/// consecutive frames differ. Fills the caller's pooled frame; allocates nothing per frame.
/// Paced (a live camera stand-in: frames arrive on their own clock at the frame rate) or as fast
/// as the reader asks (benchmarks, offline runs).
/// </summary>
public sealed class SyntheticSource : IVideoSource
{
    private readonly byte[] _canvas;
    private readonly long? _frameLimit;
    private readonly bool _paced;
    private long _index;
    private long _startTimestamp;

    public SyntheticSource(int width, int height, int channels = 3, double fps = 30, long? frames = null, bool paced = false)
    {
        if (width < 2 || height < 2) throw new ConvStreamException($"synthetic source size {width}x{height} must be at least 2x2");
        GeometryLimits.Frame(width, height, channels, 1, "synthetic source");
        if (channels is not (1 or 3)) throw new ConvStreamException($"synthetic source channels {channels} must be 1 or 3");
        if (!(fps > 0 && fps <= 1000)) throw new ConvStreamException($"synthetic source frame rate {fps} must be in (0, 1000]");
        _frameLimit = frames;
        _paced = paced;
        _canvas = DrawCanvas(width, height, channels);
        var (num, den) = FrameRate.Rational(fps);
        Info = new VideoInfo
        {
            Width = width,
            Height = height,
            Channels = channels,
            FrameRateNumerator = num,
            FrameRateDenominator = den,
            FrameCount = frames,
            Duration = frames is long n ? TimeSpan.FromSeconds(n / fps) : null,
            IsLive = paced,
        };
    }

    /// <summary>
    /// Parses <c>test</c>, <c>synthetic</c>, <c>test:WxH</c>, <c>test:WxH@FPS</c> (default 640x360 at 30).
    /// Returns null when <paramref name="text"/> does not name a synthetic source.
    /// </summary>
    public static SyntheticSource? TryParse(string text, long? frames, bool paced, int channels = 3)
    {
        string t = text.Trim();
        int colon = t.IndexOf(':');
        string kind = (colon < 0 ? t : t[..colon]).ToLowerInvariant();
        if (kind is not ("test" or "synthetic")) return null;
        int w = 640, h = 360;
        double fps = 30;
        if (colon >= 0)
        {
            string rest = t[(colon + 1)..];
            int at = rest.IndexOf('@');
            string size = at < 0 ? rest : rest[..at];
            if (at >= 0 && !double.TryParse(rest[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out fps))
                throw new ConvStreamException($"source '{text}': frame rate '{rest[(at + 1)..]}' is not a number; expected {kind}:WxH@FPS");
            if (size.Length > 0)
            {
                var parts = size.ToLowerInvariant().Split('x');
                if (parts.Length != 2 || !int.TryParse(parts[0], out w) || !int.TryParse(parts[1], out h))
                    throw new ConvStreamException($"source '{text}': size '{size}' is not WxH; expected {kind}:WxH@FPS such as {kind}:1280x720@30");
            }
        }
        return new SyntheticSource(w, h, channels, fps, frames, paced);
    }

    public VideoInfo Info { get; }

    public ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        if (_frameLimit is long limit && _index >= limit) return new ValueTask<FrameStamp?>((FrameStamp?)null);
        if (destination.Width != Info.Width || destination.Height != Info.Height || destination.Channels != Info.Channels || destination.Depth != PixelDepth.U8)
            throw new ConvStreamException($"synthetic source: destination frame {destination.ShapeText} is not {Info.Width}x{Info.Height}x{Info.Channels} u8");
        if (_index == 0) _startTimestamp = Stopwatch.GetTimestamp();
        // Not an async method: reads complete synchronously and allocate nothing, paced or not.
        if (_paced) WaitUntilDue(cancellationToken);
        return new ValueTask<FrameStamp?>(Produce(destination));
    }

    /// <summary>
    /// A camera delivers frame i at start + i/fps; block until that moment. The source runs on a
    /// thread of its own, so blocking costs nothing, while a Task.Delay per frame allocated about
    /// a kilobyte each time (timer, promise, state machine), which a live soak saw as memory
    /// creeping at ~25 KB/s until the next collection.
    /// </summary>
    private void WaitUntilDue(CancellationToken cancellationToken)
    {
        long due = _startTimestamp + (long)(_index / Info.FrameRate * Stopwatch.Frequency);
        long wait;
        while ((wait = due - Stopwatch.GetTimestamp()) > 0)
        {
            int ms = (int)Math.Max(1, wait * 1000 / Stopwatch.Frequency);
            if (cancellationToken.CanBeCanceled ? cancellationToken.WaitHandle.WaitOne(ms) : WaitOne(ms)) break;
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static bool WaitOne(int ms)
    {
        Thread.Sleep(ms);
        return false;
    }

    private FrameStamp Produce(Frame destination)
    {
        Draw(destination, _index);
        var pts = TimeSpan.FromSeconds(_index / Info.FrameRate);
        return new FrameStamp(_index++, pts, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Fills <paramref name="f"/> with frame <paramref name="index"/>: a window onto a larger canvas
    /// drawn once, moved by a few pixels per frame. Copying rows runs at memory speed (~0.5 ms for
    /// 1080p), so the source never limits a benchmark. Deterministic: tests redraw any frame.
    /// </summary>
    public void Draw(Frame f, long index)
    {
        int w = Info.Width, h = Info.Height, c = Info.Channels;
        int ox = (int)(index * 3 % Travel), oy = (int)(index * 2 % Travel);
        int canvasStride = (w + Travel) * c;
        for (int y = 0; y < h; y++)
            _canvas.AsSpan((y + oy) * canvasStride + ox * c, w * c).CopyTo(f.RowSpan(y));
    }

    /// <summary>How far (pixels) the window travels before it starts over.</summary>
    private const int Travel = 128;

    private static byte[] DrawCanvas(int w, int h, int c)
    {
        int cw = w + Travel, ch = h + Travel;
        var canvas = new byte[cw * ch * c];
        int cell = Math.Max(4, Math.Min(w, h) / 12);
        int r = Math.Max(2, Math.Min(w, h) / 8);
        for (int y = 0; y < ch; y++)
        {
            for (int x = 0; x < cw; x++)
            {
                byte b, g, rr;
                // Discs on a coarse grid: round edges in every direction.
                int gx = x % (4 * r) - 2 * r, gy = y % (4 * r) - 2 * r;
                if (gx * gx + gy * gy <= r * r) { b = 40; g = 230; rr = 250; }
                else if (x < cw / 2)
                {
                    // Checkerboard: strong horizontal and vertical edges.
                    bool on = ((y / cell) & 1) == ((x / cell) & 1);
                    b = on ? (byte)220 : (byte)30; g = on ? (byte)200 : (byte)50; rr = on ? (byte)180 : (byte)20;
                }
                else
                {
                    // Ramps: smooth gradients that a blur leaves nearly alone.
                    b = (byte)(x & 255); g = (byte)(y * 2 & 255); rr = (byte)((x + y) / 2 & 255);
                }
                int i = (y * cw + x) * c;
                if (c == 3) { canvas[i] = b; canvas[i + 1] = g; canvas[i + 2] = rr; }
                else canvas[i] = (byte)((9798 * rr + 19235 * g + 3735 * b + (1 << 14)) >> 15);
            }
        }
        return canvas;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
