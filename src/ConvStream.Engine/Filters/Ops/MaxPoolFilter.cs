using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>maxpool:size=K[,stride=S]</c> on u8 frames of any channel count (each channel pooled on its
/// own), as PyTorch's <c>max_pool2d</c> without padding or ceil mode: out = (in − K)/S + 1, a last
/// partial window is dropped (DESIGN §3). Stride defaults to the size.
/// </summary>
public sealed class MaxPoolFilter : IFrameFilter
{
    private readonly ExecutionSettings _settings;

    public MaxPoolFilter(int size, int stride, ExecutionSettings? settings = null)
    {
        Size = size; Stride = stride; _settings = settings ?? ExecutionSettings.Default;
    }

    public string Op => "maxpool";
    public int Size { get; }
    public int Stride { get; }
    public (int KH, int KW, int Stride) Footprint => (Size, Size, Stride);

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => PoolRows.OutputFormat(inputs[0], Size, Stride);

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        => _settings.For(output.Height, SplitWork.Bytes((long)inputs[0].RowBytes * Size + output.RowBytes), (this, inputs[0], output), static (c, y0, y1) => c.Item1.Rows(c.Item2, c.Item3, y0, y1));

    /// <summary>Output rows [y0, y1) of one call (a band of <see cref="Apply"/>).</summary>
    private void Rows(Frame src, Frame output, int y0, int y1)
    {
        int c = src.Channels, k = Size, s = Stride, ow = output.Width;
        var level = _settings.Level;
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<byte>(src.RowLength), _settings.ScratchFloats);
        var tmp = lease.Carve().Take<byte>(src.RowLength);
        for (int oy = y0; oy < y1; oy++)
        {
            var dst = output.Row<byte>(oy);
            if (k == 2 && s == 2)
            {
                PoolRows.MaxPool2x2Row(src.RowSpan(2 * oy), src.RowSpan(2 * oy + 1), dst, c, level);
                continue;
            }
            src.RowSpan(oy * s).CopyTo(tmp);
            for (int r = 1; r < k; r++) PoolRows.MaxRows(tmp, src.RowSpan(oy * s + r), tmp, level);
            for (int ox = 0; ox < ow; ox++)
                for (int ch = 0; ch < c; ch++)
                {
                    byte m = 0;
                    for (int kx = 0, i = ox * s * c + ch; kx < k; kx++, i += c) m = Math.Max(m, tmp[i]);
                    dst[ox * c + ch] = m;
                }
        }
    }
}
