using System.Buffers;
using System.IO.Compression;
using ConvStream.Engine.Io;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// Encodes 8-bit frames as PNG: 1 channel → gray, 3 (BGR) → RGB, 4 (BGRA) → RGBA, 8 bits per
/// sample, not interlaced. Each row gets the filter with the smallest sum of absolute filtered
/// bytes (libpng's default heuristic), and zlib runs at its fastest level: on video frames the
/// adaptive filter recovers most of what a slower level would gain, at a fraction of the time.
/// </summary>
public static class PngWriter
{
    /// <summary>Checks that <paramref name="format"/> can be written as PNG without touching any pixel.</summary>
    public static void CheckWritable(int channels, PixelDepth depth, string name)
    {
        if (depth != PixelDepth.U8)
            throw new ConvStreamException($"{name}: PNG holds 8-bit samples but the frame is {depth.Name()} (ImageFile.Write saturates it first)");
        if (channels is not (1 or 3 or 4))
            throw new ConvStreamException($"{name}: PNG holds 1 (gray), 3 (BGR) or 4 (BGRA) channels but the result has {channels}; write .npy to keep every channel");
    }

    /// <summary>Writes <paramref name="frame"/> to <paramref name="path"/> atomically (temp file, then rename).</summary>
    public static void Write(string path, Frame frame)
    {
        CheckWritable(frame.Channels, frame.Depth, path);
        AtomicFile.Write(path, stream => Encode(stream, frame));
    }

    public static void Encode(Stream output, Frame frame)
    {
        CheckWritable(frame.Channels, frame.Depth, "PNG encoder");
        var colorType = frame.Channels switch { 1 => PngColorType.Gray, 3 => PngColorType.Rgb, _ => PngColorType.Rgba };
        var header = new PngHeader(frame.Width, frame.Height, 8, colorType, Interlaced: false);
        output.Write(PngReader.Signature);
        Span<byte> ihdr = stackalloc byte[PngHeader.Length];
        header.WriteTo(ihdr);
        PngChunkStream.WriteChunk(output, "IHDR", ihdr);

        int rowBytes = frame.RowBytes, bpp = frame.Channels;
        // Row buffers are rented (an image-sequence sink encodes one PNG per frame) and sliced to
        // the row's length, since the pool may hand out longer arrays.
        byte[] rawArray = ArrayPool<byte>.Shared.Rent(rowBytes), priorArray = ArrayPool<byte>.Shared.Rent(rowBytes);
        byte[] candidateArray = ArrayPool<byte>.Shared.Rent(1 + rowBytes), bestArray = ArrayPool<byte>.Shared.Rent(1 + rowBytes);
        try
        {
            EncodeRows(output, frame, rowBytes, bpp, rawArray, priorArray, candidateArray, bestArray);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rawArray);
            ArrayPool<byte>.Shared.Return(priorArray);
            ArrayPool<byte>.Shared.Return(candidateArray);
            ArrayPool<byte>.Shared.Return(bestArray);
        }
        PngChunkStream.WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
    }

    private static void EncodeRows(Stream output, Frame frame, int rowBytes, int bpp, byte[] rawArray, byte[] priorArray, byte[] candidateArray, byte[] bestArray)
    {
        var raw = rawArray.AsMemory(0, rowBytes);
        var prior = priorArray.AsMemory(0, rowBytes);
        prior.Span.Clear(); // zeros: the row above the first
        var candidate = candidateArray.AsMemory(0, 1 + rowBytes);
        var best = bestArray.AsMemory(0, 1 + rowBytes);
        using (var idat = new PngChunkStream(output, "IDAT"))
        {
            using (var z = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
            {
                for (int y = 0; y < frame.Height; y++)
                {
                    ToPngOrder(frame.RowSpan(y), raw.Span, frame.Channels);
                    long bestScore = long.MaxValue;
                    for (int type = PngRowFilter.None; type <= PngRowFilter.Paeth; type++)
                    {
                        long score = PngRowFilter.Filter(type, raw.Span, prior.Span, bpp, candidate.Span[1..]);
                        if (score < bestScore)
                        {
                            bestScore = score;
                            candidate.Span[0] = (byte)type;
                            (best, candidate) = (candidate, best);
                        }
                    }
                    z.Write(best.Span);
                    (raw, prior) = (prior, raw);
                }
            }
        }
    }

    /// <summary>BGR(A) → RGB(A); gray is copied.</summary>
    private static void ToPngOrder(ReadOnlySpan<byte> src, Span<byte> dst, int channels)
    {
        if (channels == 1) { src.CopyTo(dst); return; }
        for (int i = 0; i < src.Length; i += channels)
        {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
            if (channels == 4) dst[i + 3] = src[i + 3];
        }
    }
}
