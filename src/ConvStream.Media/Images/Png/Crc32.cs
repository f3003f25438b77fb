using System.Buffers.Binary;

namespace ConvStream.Media.Images.Png;

/// <summary>
/// The CRC-32 of PNG chunks, zlib and gzip (ISO-HDLC: reflected polynomial 0xEDB88320, initial and
/// final XOR 0xFFFFFFFF). System.IO.Hashing is not part of the shared framework, so it is written
/// here: slicing-by-8 (eight 256-entry tables, eight bytes per step) runs several times faster than
/// the one-table loop on multi-megabyte IDAT chunks; the one-table loop finishes the tail.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;
    private static readonly uint[] Table = BuildTables();

    private static uint[] BuildTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        // Table k advances a byte through k further zero bytes: t[k][n] = t[0][t[k-1][n] & 0xFF] ^ (t[k-1][n] >> 8).
        for (int k = 1; k < 8; k++)
            for (int n = 0; n < 256; n++)
            {
                uint prev = t[(k - 1) * 256 + n];
                t[k * 256 + n] = t[prev & 0xFF] ^ (prev >> 8);
            }
        return t;
    }

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (a finished CRC of earlier bytes, or 0) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        uint c = ~crc;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i)) ^ c;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i + 4));
            c = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^ t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)]
              ^ t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^ t[1 * 256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
        }
        for (; i < data.Length; i++) c = t[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        return ~c;
    }
}
