using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Widths;

/// <summary>
/// The 8-bit kernels on <see cref="ByteLadder"/> at every width against their definitions, on
/// lengths around each width's step and tail, with guard bytes after the row: a step must not
/// write past the output it was given (a wide store overrunning the row would show there).
/// </summary>
public sealed unsafe class ByteKernelTests
{
    private static readonly int[] Lengths = [0, 1, 2, 7, 8, 9, 10, 15, 16, 17, 31, 32, 33, 37, 38, 39, 63, 64, 65, 100, 127, 128, 129, 257, 1921];
    private const int Guard = 64;
    private const byte GuardByte = 0xA5;

    private static byte[] Random(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        // Extremes are where saturation or sign mistakes show.
        for (int i = 0; i < n; i += 7) b[i] = (byte)(i % 2 == 0 ? 0 : 255);
        return b;
    }

    private static byte[] Output(int n) => Enumerable.Repeat(GuardByte, n + Guard).ToArray();

    private static void AssertGuard(byte[] output, int n, string what)
    {
        for (int i = n; i < output.Length; i++) Assert.True(output[i] == GuardByte, $"{what}: byte {i} past the row was written");
    }

    [Fact]
    public void AbsDiff_every_width_equals_the_definition()
    {
        var rng = new Random(31);
        foreach (int n in Lengths)
            foreach (int threshold in new[] { -1, 0, 17, 254, 255 })
            {
                byte[] a = Random(rng, n), b = Random(rng, n);
                foreach (var level in Engine.Simd.Simd.Supported)
                {
                    var got = Output(n);
                    fixed (byte* pa = a, pb = b, pd = got) TemporalRows.AbsDiff(pa, pb, pd, n, threshold, level);
                    for (int x = 0; x < n; x++)
                    {
                        int d = Math.Abs(a[x] - b[x]);
                        int want = threshold < 0 ? d : d > threshold ? 255 : 0;
                        Assert.True(got[x] == want, $"AbsDiff n={n} threshold={threshold} at {level}: x={x} is {got[x]}, expected {want}");
                    }
                    AssertGuard(got, n, $"AbsDiff n={n} at {level}");
                }
            }
    }

    [Fact]
    public void SignedDiff_every_width_equals_the_definition()
    {
        var rng = new Random(32);
        foreach (int n in Lengths)
        {
            byte[] a = Random(rng, n), b = Random(rng, n);
            foreach (var level in Engine.Simd.Simd.Supported)
            {
                var got = Enumerable.Repeat((short)-12345, n + Guard).ToArray();
                fixed (byte* pa = a, pb = b) fixed (short* pd = got) TemporalRows.SignedDiff(pa, pb, pd, n, level);
                for (int x = 0; x < n; x++) Assert.True(got[x] == a[x] - b[x], $"SignedDiff n={n} at {level}: x={x} is {got[x]}, expected {a[x] - b[x]}");
                for (int x = n; x < got.Length; x++) Assert.True(got[x] == -12345, $"SignedDiff n={n} at {level}: sample {x} past the row was written");
            }
        }
    }

    [Fact]
    public void Gray_every_width_equals_the_formula()
    {
        var rng = new Random(33);
        foreach (int n in Lengths)
        {
            byte[] bgr = Random(rng, 3 * n);
            foreach (var level in Engine.Simd.Simd.Supported)
            {
                var got = Output(n);
                GrayRow.BgrToGray(bgr, got.AsSpan(0, n), level);
                for (int x = 0; x < n; x++)
                {
                    int want = (9798 * bgr[3 * x + 2] + 19235 * bgr[3 * x + 1] + 3735 * bgr[3 * x] + 16384) >> 15;
                    Assert.True(got[x] == want, $"gray n={n} at {level}: x={x} is {got[x]}, expected {want}");
                }
                AssertGuard(got, n, $"gray n={n} at {level}");
            }
        }
    }

    [Fact]
    public void Pool_rows_every_width_equal_the_definition()
    {
        var rng = new Random(34);
        foreach (int pixels in new[] { 1, 2, 5, 8, 11, 16, 21, 33, 64, 97 })
            foreach (int c in new[] { 1, 2, 3, 4, 5, 7, 8, 16, 17, 31, 32, 33 })
            {
                int n = pixels * c, inLength = 2 * n + (pixels % 2) * c;   // odd input widths keep a last, unused pixel
                byte[] a = Random(rng, inLength), b = Random(rng, inLength);
                foreach (var level in Engine.Simd.Simd.Supported)
                {
                    var max = Output(n); var avg = Output(n); var rows = Output(inLength);
                    PoolRows.MaxPool2x2Row(a, b, max.AsSpan(0, n), c, level);
                    PoolRows.AvgPool2x2Row(a, b, avg.AsSpan(0, n), c, level);
                    PoolRows.MaxRows(a, b, rows.AsSpan(0, inLength), level);
                    string what = $"{pixels} pixels x {c} channels at {level}";
                    for (int o = 0; o < n; o++)
                    {
                        int k = o / c * 2 * c + o % c;
                        int wantMax = Math.Max(Math.Max(a[k], a[k + c]), Math.Max(b[k], b[k + c]));
                        int wantAvg = (a[k] + a[k + c] + b[k] + b[k + c] + 2) >> 2;
                        Assert.True(max[o] == wantMax, $"max pool {what}: output {o} is {max[o]}, expected {wantMax}");
                        Assert.True(avg[o] == wantAvg, $"avg pool {what}: output {o} is {avg[o]}, expected {wantAvg}");
                    }
                    for (int i = 0; i < inLength; i++) Assert.True(rows[i] == Math.Max(a[i], b[i]), $"MaxRows {what}: {i}");
                    AssertGuard(max, n, $"max pool {what}");
                    AssertGuard(avg, n, $"avg pool {what}");
                    AssertGuard(rows, inLength, $"MaxRows {what}");
                }
            }
    }
}
