using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>avgpool:size=K[,stride=S]</c> on u8 frames of any channel count: the mean of each K×K
/// window rounded half up, <c>(sum + K²/2) / K²</c>, which for 2×2 is <c>(a+b+c+d+2) >> 2</c>,
/// bit-exact with <c>cv2.resize(INTER_AREA)</c> at half size. Windows as PyTorch's
/// <c>avg_pool2d</c> without padding or ceil mode (a last partial window is dropped).
/// </summary>
public sealed class AvgPoolFilter : IFrameFilter
{
    private readonly ExecutionSettings _settings;

    public AvgPoolFilter(int size, int stride, ExecutionSettings? settings = null)
    {
        Size = size; Stride = stride; _settings = settings ?? ExecutionSettings.Default;
    }

    public string Op => "avgpool";
    public int Size { get; }
    public int Stride { get; }
    public (int KH, int KW, int Stride) Footprint => (Size, Size, Stride);

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => PoolRows.OutputFormat(inputs[0], Size, Stride);

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        => _settings.For(output.Height, SplitWork.Bytes((long)inputs[0].RowBytes * Size + output.RowBytes), (this, inputs[0], output), static (c, y0, y1) => c.Item1.Rows(c.Item2, c.Item3, y0, y1));

    /// <summary>Output rows [y0, y1) of one call (a band of <see cref="Apply"/>).</summary>
    private void Rows(Frame src, Frame output, int y0, int y1)
    {
        int c = src.Channels, k = Size, s = Stride, ow = output.Width, n = k * k;
        var level = _settings.Level;
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<int>(src.RowLength), _settings.ScratchFloats);
        Span<int> col = lease.Carve().Take<int>(src.RowLength);
        for (int oy = y0; oy < y1; oy++)
        {
            var dst = output.Row<byte>(oy);
            if (k == 2 && s == 2)
            {
                PoolRows.AvgPool2x2Row(src.RowSpan(2 * oy), src.RowSpan(2 * oy + 1), dst, c, level);
                continue;
            }
            col.Clear();
            for (int r = 0; r < k; r++)
            {
                var row = src.RowSpan(oy * s + r);
                for (int i = 0; i < col.Length; i++) col[i] += row[i];
            }
            for (int ox = 0; ox < ow; ox++)
                for (int ch = 0; ch < c; ch++)
                {
                    int sum = 0;
                    for (int kx = 0, i = ox * s * c + ch; kx < k; kx++, i += c) sum += col[i];
                    dst[ox * c + ch] = (byte)((sum + n / 2) / n);
                }
        }
    }
}
