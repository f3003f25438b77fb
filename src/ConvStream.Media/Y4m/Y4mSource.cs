using System.Diagnostics;
using System.Text;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Color;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Y4m;

/// <summary>
/// Reads a YUV4MPEG2 file natively (no ffmpeg): 8-bit 4:2:0, 4:2:2, 4:4:4 or mono planes,
/// converted to BGR with BT.601 in limited range (full range when the header says
/// XCOLORRANGE=FULL; mono is gray as ffmpeg reads it). Gray output is computed from BGR as
/// OpenCV does, except for mono files, whose samples are the gray values. One planar buffer is
/// allocated when opened; reading allocates nothing per frame.
/// </summary>
public sealed class Y4mSource : IVideoSource
{
    private readonly Stream _stream;
    private readonly string _path;
    private readonly Y4mHeader _header;
    private readonly byte[] _planes;
    private readonly byte[] _bgrRow;
    private readonly byte[] _line = new byte[256];
    private readonly YuvToBgr _convert;
    private long _index;
    private bool _ended;

    private Y4mSource(Stream stream, string path, Y4mHeader header, long? frameCount, int channels)
    {
        _stream = stream;
        _path = path;
        _header = header;
        _planes = GC.AllocateUninitializedArray<byte>(header.FrameBytes);
        _bgrRow = new byte[header.Width * 3];
        _convert = header.FullRange ? YuvToBgr.Full : YuvToBgr.Limited;
        Info = new VideoInfo
        {
            Width = header.Width, Height = header.Height, Channels = channels,
            FrameRateNumerator = header.RateNumerator, FrameRateDenominator = header.RateDenominator,
            FrameCount = frameCount,
            Duration = frameCount is long n ? TimeSpan.FromSeconds((double)n * header.RateDenominator / header.RateNumerator) : null,
            SourcePath = path,
        };
    }

    public VideoInfo Info { get; }
    public Y4mHeader Header => _header;

    public static Y4mSource Open(string path, int channels = 3)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{path}: channels must be 1 (gray) or 3 (BGR), not {channels}");
        Stream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20); }
        catch (FileNotFoundException e) { throw new ConvStreamException($"{path}: no such file", e); }
        catch (DirectoryNotFoundException e) { throw new ConvStreamException($"{path}: no such file", e); }
        catch (UnauthorizedAccessException e) { throw new ConvStreamException($"{path}: permission denied", e); }
        try { return Open(stream, path, channels); }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>Reads the header from <paramref name="stream"/> (a file, or a pipe from another program).</summary>
    public static Y4mSource Open(Stream stream, string name, int channels = 3)
    {
        var buffer = new byte[1024];
        int n = ReadLine(stream, buffer);
        if (n < 0) throw new ConvStreamException($"{name}: not a Y4M file (no header line within {buffer.Length} bytes)");
        string line = Encoding.ASCII.GetString(buffer, 0, n);
        var header = Y4mHeader.Parse(line, name);
        long? count = null;
        if (stream.CanSeek)
        {
            // Exact when every frame header is the plain "FRAME\n" (what ffmpeg and we write).
            long body = stream.Length - (n + 1);
            long per = header.FrameBytes + 6;
            if (body >= 0 && body % per == 0) count = body / per;
        }
        return new Y4mSource(stream, name, header, count, channels);
    }

    public ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (destination.Width != _header.Width || destination.Height != _header.Height || destination.Channels != Info.Channels || destination.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{_path}: frame {destination.ShapeText} does not fit its {_header.Width}x{_header.Height}x{Info.Channels} u8 frames");
        if (_ended) return new ValueTask<FrameStamp?>((FrameStamp?)null);
        int n = ReadLine(_stream, _line);
        if (n == -2) { _ended = true; return new ValueTask<FrameStamp?>((FrameStamp?)null); }
        if (n < 5 || !_line.AsSpan(0, 5).SequenceEqual("FRAME"u8) || (n > 5 && _line[5] != (byte)' '))
        {
            _ended = true;
            throw new ConvStreamException($"{_path}: frame {_index} does not start with a FRAME header (file damaged or cut)");
        }
        int got = 0;
        while (got < _planes.Length)
        {
            int r = _stream.Read(_planes, got, _planes.Length - got);
            if (r == 0) break;
            got += r;
        }
        if (got != _planes.Length)
        {
            _ended = true;
            throw new ConvStreamException($"{_path}: the file ends in the middle of frame {_index} ({got} of {_planes.Length} bytes)");
        }
        Convert(destination);
        long i = _index++;
        var pts = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond * _header.RateDenominator / _header.RateNumerator);
        return new ValueTask<FrameStamp?>(new FrameStamp(i, pts, Stopwatch.GetTimestamp()));
    }

    private void Convert(Frame destination)
    {
        var h = _header;
        int ySize = h.Width * h.Height, cSize = h.ChromaWidth * h.ChromaHeight;
        ReadOnlySpan<byte> planes = _planes;
        for (int y = 0; y < h.Height; y++)
        {
            var yRow = planes.Slice(y * h.Width, h.Width);
            if (h.Chroma == Y4mChroma.Mono)
            {
                var dst = destination.RowSpan(y);
                if (destination.Channels == 1) yRow.CopyTo(dst);
                else for (int x = 0; x < h.Width; x++) dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = yRow[x];
                continue;
            }
            int cy = h.Chroma == Y4mChroma.C420 ? y >> 1 : y;
            var u = planes.Slice(ySize + cy * h.ChromaWidth, h.ChromaWidth);
            var v = planes.Slice(ySize + cSize + cy * h.ChromaWidth, h.ChromaWidth);
            int shift = h.Chroma == Y4mChroma.C444 ? 0 : 1;
            if (destination.Channels == 3) _convert.Row(yRow, u, v, shift, destination.RowSpan(y));
            else
            {
                _convert.Row(yRow, u, v, shift, _bgrRow);
                GrayFromBgr.Row(_bgrRow, destination.RowSpan(y));
            }
        }
    }

    /// <summary>Reads up to '\n' into <paramref name="buffer"/>; the length without '\n', -2 at a clean end, -1 when too long.</summary>
    private static int ReadLine(Stream stream, byte[] buffer)
    {
        int n = 0;
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) return n == 0 ? -2 : n;
            if (b == '\n') return n;
            if (n == buffer.Length) return -1;
            buffer[n++] = (byte)b;
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
