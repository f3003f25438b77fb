using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// Writes a fitted kernel as a kernel file (<c>filters/README.md</c>), the format a
/// <c>conv:kernel=FILE</c> stage reads: a 2-D <c>weights</c> for a per-channel kernel,
/// <c>weights[Cout][Cin][KH][KW]</c> for a full one, <c>bias</c> when fitted. In convolve mode
/// the weights are rotated by 180° and <c>"mode": "convolve"</c> says so; the anchor is written
/// only when it is not the file's default, so the stage reads back exactly the fitted geometry.
/// Numbers are written as the shortest text that round-trips their float32 value: the stage
/// computes in float32, so more digits would only be noise (−2.0000000000000036 is written −2).
/// A weight below 1e-7 of the largest one (rounding residue of an exact fit, 6.6e-14 next to 5)
/// is written as 0: it is below float32's resolution at the kernel's scale, and the conv stage
/// skips zero taps.
/// </summary>
public static class FittedKernelFile
{
    public static string ToJson(FittedKernel k, bool convolve, string name, string description)
    {
        var m = k.Model;
        int kh = m.KH, kw = m.KW;
        // File coordinates: a convolve file holds rot180 of the correlation weights, anchor flipped with them.
        int fileAx = convolve ? kw - 1 - m.AnchorX : m.AnchorX, fileAy = convolve ? kh - 1 - m.AnchorY : m.AnchorY;
        bool defaultAnchor = fileAx == kw / 2 && fileAy == kh / 2;
        double largest = k.Weights.Select(Math.Abs).DefaultIfEmpty(0).Max();
        double W(int o, int ci, int ky, int kx)
        {
            double v = convolve ? k.Weight(o, ci, kh - 1 - ky, kw - 1 - kx) : k.Weight(o, ci, ky, kx);
            return Math.Abs(v) < 1e-7 * largest ? 0 : v;
        }

        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append("  \"name\": ").Append(JsonSerializer.Serialize(name, Text)).Append(",\n");
        sb.Append("  \"description\": ").Append(JsonSerializer.Serialize(description, Text)).Append(",\n");
        if (convolve) sb.Append("  \"mode\": \"convolve\",\n");
        if (!defaultAnchor) sb.Append(CultureInfo.InvariantCulture, $"  \"anchor\": [{fileAx}, {fileAy}],\n");
        bool full = m.Channels == FitChannels.Full;
        if (m.Bias)
        {
            sb.Append("  \"bias\": ");
            sb.Append(full ? "[" + string.Join(", ", k.Bias.Select(Num)) + "]" : Num(k.Bias[0]));
            sb.Append(",\n");
        }
        sb.Append("  \"weights\": [\n");
        if (!full)
        {
            for (int ky = 0; ky < kh; ky++)
                sb.Append("    ").Append(Row(kx => W(0, 0, ky, kx), kw)).Append(ky < kh - 1 ? ",\n" : "\n");
        }
        else
        {
            for (int o = 0; o < k.Outputs; o++)
            {
                sb.Append("    [\n");
                for (int ci = 0; ci < k.Inputs; ci++)
                {
                    sb.Append("      [");
                    for (int ky = 0; ky < kh; ky++)
                        sb.Append(ky == 0 ? "" : ", ").Append(Row(kx => W(o, ci, ky, kx), kw));
                    sb.Append(ci < k.Inputs - 1 ? "],\n" : "]\n");
                }
                sb.Append(o < k.Outputs - 1 ? "    ],\n" : "    ]\n");
            }
        }
        sb.Append("  ]\n}\n");
        return sb.ToString();
    }

    private static string Row(Func<int, double> value, int kw)
        => "[" + string.Join(", ", Enumerable.Range(0, kw).Select(kx => Num(value(kx)))) + "]";

    private static string Num(double v) => ((float)v).ToString("R", CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Text = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
