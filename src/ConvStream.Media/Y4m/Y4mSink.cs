using System.Text;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Color;
using ConvStream.Media.Sinks;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Y4m;

/// <summary>
/// Writes YUV4MPEG2 natively: BGR frames as BT.601 limited-range 4:2:0 (C420jpeg, what every Y4M
/// reader takes) or 4:4:4, gray frames as Cmono (exact). The frame rate is the source's. The file
/// is written under a temporary name and moved into place when completed or disposed, unless a
/// write failed (a full disk): then it is deleted, never left under its name cut short.
/// A live recording lasts as long as the run: where dropped frames leave slots of the constant
/// frame rate empty (<see cref="FrameSlots"/>), the previous frame is written again, as video files do
/// (Y4M has no timestamps, so constant rate with repeats is the only way to keep the timing).
/// </summary>
public sealed class Y4mSink : IVideoSink, IFileOutput
{
    private readonly OutputFile _output;
    private readonly Y4mChroma _colorChroma;
    private FileStream? _stream;
    private Y4mHeader? _header;
    private byte[] _planes = [];
    private static readonly byte[] FrameTag = "FRAME\n"u8.ToArray();
    private bool _completed;
    private string? _failure;
    private readonly bool? _fillDroppedFrames;
    private FrameSlots? _slots;

    /// <param name="fillDroppedFrames">Repeat the previous frame over slots dropped frames left empty; null: when the source is live.</param>
    public Y4mSink(string path, Y4mChroma colorChroma = Y4mChroma.C420, bool? fillDroppedFrames = null)
    {
        if (colorChroma is not (Y4mChroma.C420 or Y4mChroma.C444))
            throw new ConvStreamException($"{path}: Y4M output chroma must be 420 or 444");
        _output = new OutputFile(path);
        _colorChroma = colorChroma;
        _fillDroppedFrames = fillDroppedFrames;
        Description = path;
    }

    public string Description { get; }
    public long FramesWritten { get; private set; }
    public bool Kept => _output.Committed;
    /// <summary>Frames written again to cover frames a live run dropped (included in <see cref="FramesWritten"/>).</summary>
    public long FramesRepeated { get; private set; }

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{Description}: Y4M takes gray or BGR frames, not {channels} channels");
        var chroma = channels == 1 ? Y4mChroma.Mono : _colorChroma;
        _header = new Y4mHeader
        {
            Width = width, Height = height,
            RateNumerator = Math.Max(1, source.FrameRateNumerator), RateDenominator = Math.Max(1, source.FrameRateDenominator),
            Chroma = chroma, ChromaTag = chroma switch { Y4mChroma.Mono => "mono", Y4mChroma.C444 => "444", _ => "420jpeg" },
            FullRange = chroma == Y4mChroma.Mono,
        };
        _planes = GC.AllocateUninitializedArray<byte>(_header.FrameBytes);
        if (_fillDroppedFrames ?? source.IsLive) _slots = new FrameSlots(_header.RateNumerator, _header.RateDenominator);
        try
        {
            _stream = new FileStream(_output.Temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
            _stream.Write(Encoding.ASCII.GetBytes(_header.Format()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _output.Discard();
            throw new ConvStreamException($"{Description}: cannot create the file: {e.Message}", e);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        var h = _header ?? throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (frame.Width != h.Width || frame.Height != h.Height || frame.Channels != (h.Chroma == Y4mChroma.Mono ? 1 : 3) || frame.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened {h.Width}x{h.Height} stream");
        if (_failure is not null) throw new ConvStreamException(_failure);
        long repeats = _slots?.RepeatsBefore(stamp.Pts) ?? 0;
        try
        {
            // Empty slots before this frame: the previous frame again, still packed in _planes
            // (before the first frame there is none: the first frame itself fills them).
            bool first = FramesWritten == 0;
            if (!first) WriteRepeats(repeats);
            Pack(frame, h, _planes);
            WritePlanes();
            if (first) WriteRepeats(repeats);
        }
        catch (IOException e)
        {
            _failure = $"{Description}: writing frame {FramesWritten} failed: {e.Message}";
            throw new ConvStreamException(_failure, e);
        }
        return ValueTask.CompletedTask;
    }

    private void WriteRepeats(long count)
    {
        for (; count > 0; count--)
        {
            WritePlanes();
            FramesRepeated++;
        }
    }

    private void WritePlanes()
    {
        _stream!.Write(FrameTag);
        _stream.Write(_planes);
        FramesWritten++;
    }

    /// <summary>Converts one frame into Y4M planes (Y, then U, then V).</summary>
    internal static void Pack(Frame frame, Y4mHeader h, Span<byte> planes)
    {
        int ySize = h.Width * h.Height;
        if (h.Chroma == Y4mChroma.Mono)
        {
            for (int y = 0; y < h.Height; y++) frame.RowSpan(y).CopyTo(planes.Slice(y * h.Width, h.Width));
            return;
        }
        for (int y = 0; y < h.Height; y++) BgrToYuv.LumaRow(frame.RowSpan(y), planes.Slice(y * h.Width, h.Width));
        int cw = h.ChromaWidth, cSize = cw * h.ChromaHeight;
        int blockW = h.Chroma == Y4mChroma.C444 ? 1 : 2;
        for (int cy = 0; cy < h.ChromaHeight; cy++)
        {
            int y0 = h.Chroma == Y4mChroma.C420 ? cy * 2 : cy;
            bool two = h.Chroma == Y4mChroma.C420 && y0 + 1 < h.Height;
            var r0 = frame.RowSpan(y0);
            var r1 = two ? frame.RowSpan(y0 + 1) : r0;
            BgrToYuv.ChromaRow(r0, r1, two, blockW, h.Width, planes.Slice(ySize + cy * cw, cw), planes.Slice(ySize + cSize + cy * cw, cw));
        }
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed) return ValueTask.CompletedTask;
        _completed = true;
        if (_stream is null) { _output.Discard(); return ValueTask.CompletedTask; }
        try { _stream.Dispose(); }
        catch (IOException e) { _failure ??= $"{Description}: finishing the file failed: {e.Message}"; }
        if (_failure is null) { _output.Commit(); return ValueTask.CompletedTask; }
        _output.Discard();
        throw new ConvStreamException($"{_failure} (file not written)");
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
}
