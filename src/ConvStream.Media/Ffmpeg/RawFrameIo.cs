namespace ConvStream.Media.Ffmpeg;

/// <summary>
/// Exact-size reads over a pipe. A pipe read returns whatever is available (often less than a
/// frame), so a frame is read by looping until it is complete or the stream ends.
/// </summary>
internal static class RawFrameIo
{
    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    public static int ReadFull(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
