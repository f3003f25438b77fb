namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// The data of a PNG's IDAT chunks read as one stream, straight out of the file's bytes: the zlib
/// stream may be split across chunks anywhere, and copying them together would cost a buffer as
/// large as the compressed image.
/// </summary>
internal sealed class PngIdatStream(byte[] file, IReadOnlyList<(int Start, int Length)> chunks) : Stream
{
    private int _chunk;
    private int _offset;

    public override int Read(Span<byte> buffer)
    {
        while (_chunk < chunks.Count)
        {
            var (start, length) = chunks[_chunk];
            int left = length - _offset;
            if (left > 0)
            {
                int n = Math.Min(left, buffer.Length);
                file.AsSpan(start + _offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }
            _chunk++;
            _offset = 0;
        }
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
