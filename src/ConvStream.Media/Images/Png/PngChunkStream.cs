using System.Buffers;
using System.Buffers.Binary;

namespace ConvStream.Media.Images.Png;

/// <summary>
/// A write-only stream that cuts what is written to it into PNG chunks of one type (IDAT), each
/// with its length and CRC, so the zlib encoder can stream straight into the file. Chunks are
/// emitted when the buffer fills and on <see cref="Stream.Dispose()"/>. Any chunk size is valid
/// PNG; 256 KiB keeps the 12 bytes of framing per chunk negligible (libpng uses 8 KiB, which costs
/// ~0.15 % on a 1080p frame) while the buffer stays small.
/// </summary>
internal sealed class PngChunkStream(Stream output, string type, int chunkSize = 1 << 18) : Stream
{
    // Rented: an image-sequence sink encodes a PNG per frame, and this is the encoder's largest buffer.
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(8 + chunkSize + 4);
    private readonly byte[] _type = System.Text.Encoding.ASCII.GetBytes(type);
    private int _filled;
    private bool _disposed;

    public static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head[4..]);
        uint crc = Crc32.Append(Crc32.Compute(head[4..]), data);
        output.Write(head);
        output.Write(data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        output.Write(tail);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = Math.Min(buffer.Length, chunkSize - _filled);
            buffer[..n].CopyTo(_buffer.AsSpan(8 + _filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == chunkSize) Emit();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    private void Emit()
    {
        if (_filled == 0) return;
        // Length, type and CRC are written around the data in one buffer: one write per chunk.
        BinaryPrimitives.WriteUInt32BigEndian(_buffer, (uint)_filled);
        _type.CopyTo(_buffer, 4);
        uint crc = Crc32.Compute(_buffer.AsSpan(4, 4 + _filled));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(8 + _filled), crc);
        output.Write(_buffer, 0, 8 + _filled + 4);
        _filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Emit();
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        base.Dispose(disposing);
    }

    // Flush does not cut a chunk: ZLibStream may flush at any time and short chunks waste bytes.
    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
