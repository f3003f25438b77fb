using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// The specification of the separable filters: for every output sample, the exact integer sum
/// <c>Σ_terms Σ_i Σ_j col[i]·row[j]·x(map(y+i−ay), map(x+j−ax))</c> over the border-mapped input,
/// then the kernel's <see cref="SumConversion"/>. Slow and obvious on purpose; every engine path
/// is tested against it.
/// </summary>
internal static class SeparableReference
{
    public static void Apply(Frame source, Frame destination, SeparableKernel k, BorderMode border)
    {
        int w = source.Width, h = source.Height, c = source.Channels;
        for (int y = 0; y < h; y++)
        {
            var outRow = destination.RowSpan(y);
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                {
                    long sum = 0;
                    for (int t = 0; t < k.TermCount; t++)
                        for (int i = 0; i < k.Height; i++)
                        {
                            int sy = BorderModes.Map(y + i - k.AnchorY, h, border);
                            if (sy < 0 || k.Columns[t][i] == 0) continue;
                            var row = source.Row<byte>(sy);
                            long rowSum = 0;
                            for (int j = 0; j < k.Width; j++)
                            {
                                int sx = BorderModes.Map(x + j - k.AnchorX, w, border);
                                if (sx >= 0) rowSum += (long)k.Rows[t][j] * row[sx * c + ch];
                            }
                            sum += k.Columns[t][i] * rowSum;
                        }
                    k.Conversion.ConvertOne(sum, outRow, x * c + ch);
                }
        }
    }
}
