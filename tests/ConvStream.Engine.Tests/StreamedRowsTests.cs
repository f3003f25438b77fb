using System.Runtime.Intrinsics;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests;

/// <summary>
/// <see cref="StreamedRows"/>: a row written in overlapping pieces, at every offset in its line and
/// many widths, ends up exactly the source, and nothing before or after the row is touched.
/// </summary>
public unsafe class StreamedRowsTests
{
    [Theory]
    [InlineData(SimdLevel.Scalar)]
    [InlineData(SimdLevel.V128)]
    [InlineData(SimdLevel.V256)]
    [InlineData(SimdLevel.V512)]
    public void PiecesInAnyOrderOfOverlap_WriteTheRowExactly(SimdLevel level)
    {
        if (level > Simd.Simd.Hardware) return; // this machine has no such vectors
        var rng = new Random(31 + (int)level);
        var buffer = GC.AllocateArray<float>(400, pinned: true);
        var src = new float[300];
        var carry = new float[StreamedRows.ScratchFloats(1) + 16];
        fixed (float* b = buffer)
        fixed (float* s = src)
        fixed (float* c = carry)
        {
            float* aligned = (float*)(((nint)b + 63) & ~(nint)63);
            for (int offset = 0; offset < 16; offset++)
                for (int trial = 0; trial < 20; trial++)
                {
                    int width = rng.Next(1, 250);
                    for (int i = 0; i < src.Length; i++) src[i] = rng.Next(1, 1000);
                    Array.Fill(buffer, -1f);
                    float* row = aligned + offset;
                    var rows = new StreamedRows(c, (int*)(c + StreamedRows.Line));
                    rows.Reset(1);
                    int written = 0;
                    while (written < width)
                    {
                        // A piece from at or before what is written (chunks overlap where tails are recomputed).
                        int x0 = Math.Max(0, written - rng.Next(0, 3) * 4), x1 = Math.Min(width, x0 + 4 * rng.Next(1, 20));
                        Commit(level, rows, row, s + x0, x0, x1, width);
                        written = Math.Max(written, x1);
                    }
                    StreamingOutput.Fence();
                    int start = (int)(row - b);
                    for (int i = 0; i < buffer.Length; i++)
                    {
                        float expected = i >= start && i < start + width ? src[i - start] : -1f;
                        Assert.True(buffer[i] == expected, $"{level}, offset {offset}, width {width}: float {i - start} of the row is {buffer[i]}, not {expected}");
                    }
                }
        }
    }

    private static void Commit(SimdLevel level, StreamedRows rows, float* row, float* src, int x0, int x1, int width)
    {
        switch (level)
        {
            case SimdLevel.V512: rows.Commit<Vector512<float>, V512Ops>(0, row, src, x0, x1, width); break;
            case SimdLevel.V256: rows.Commit<Vector256<float>, V256Ops>(0, row, src, x0, x1, width); break;
            case SimdLevel.V128: rows.Commit<Vector128<float>, V128Ops>(0, row, src, x0, x1, width); break;
            default: rows.Commit<float, ScalarOps>(0, row, src, x0, x1, width); break;
        }
    }
}
