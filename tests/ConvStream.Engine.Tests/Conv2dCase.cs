using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>One seeded conv2d geometry with its tensors, for comparing fast paths with the reference.</summary>
public sealed record Conv2dCase(Tensor Input, Tensor Weight, Tensor? Bias, Conv2dOptions Options)
{
    public override string ToString()
    {
        var o = Options;
        return $"input {Input.ShapeText} weight {Weight.ShapeText} bias {(Bias is null ? "no" : "yes")} stride {o.Stride} dilation {o.Dilation} " +
               $"padding {o.Padding} border {o.Border.Name()} groups {o.Groups} flip {o.Flip} relu {o.Relu}";
    }

    public static Tensor Random(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    /// <summary>A (Cout, 1, KH, KW) weight whose every slice is an outer product u·vᵀ (rank 1).</summary>
    public static Tensor RankOne(Random rng, int cout, int kh, int kw)
    {
        var w = Tensor.Zeros(cout, 1, kh, kw);
        for (int co = 0; co < cout; co++)
        {
            var u = Random(rng, kh); var v = Random(rng, kw);
            for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++) w[(co * kh + y) * kw + x] = u[y] * v[x];
        }
        return w;
    }

    /// <summary>
    /// A random valid geometry: sizes from 1×1, output widths across every vector tail, kernels up
    /// to the padded input, every padding kind and border, strides, dilations, groups (depthwise
    /// and channel multipliers included), batches, bias, ReLU and flip. <paramref name="depthwise"/>:
    /// one input channel per output, vertical stride and dilation 1 (the row-blocked path).
    /// </summary>
    public static Conv2dCase Generate(Random rng, int maxH = 9, int maxW = 70, int maxChannels = 3, bool rankOne = false, bool pointwise = false, bool depthwise = false)
    {
        while (true)
        {
            int groups = rng.Next(4) switch { 0 => 1, 1 => 2, 2 => 3, _ => 1 };
            bool oneChannelEach = depthwise || rankOne || rng.Next(4) == 0;
            int cinG = oneChannelEach ? 1 : rng.Next(1, maxChannels + 1);
            if (oneChannelEach) groups = rng.Next(1, 5);
            int coutG = rng.Next(7) switch { 0 => 4, 1 => 8, 2 => 5, 3 => 1, 4 => rng.Next(9, 16), _ => rng.Next(1, 7) }; // every mix of 8-, 4- and 1-channel blocks
            int cin = cinG * groups, cout = coutG * groups;
            int h = rng.Next(1, maxH + 1), w = rng.Next(1, maxW + 1);
            int kh, kw;
            if (pointwise) { kh = kw = 1; }
            else if (rankOne) { kh = rng.Next(6, 10); kw = rng.Next(6, 10); } // large enough to run separable
            else if (depthwise) { kh = rng.Next(1, 8); kw = rng.Next(2, 8); } // 1×1 would be pointwise
            else if (rng.Next(8) == 0) { kh = Math.Min(h, 9); kw = Math.Min(w, 9); } // as large as the input
            else { kh = rng.Next(1, 6); kw = rng.Next(1, 6); }
            var stride = pointwise ? new Size2(1, 1) : new Size2(rng.Next(3) == 0 && !depthwise ? rng.Next(2, 4) : 1, rng.Next(3) == 0 ? rng.Next(2, 4) : 1);
            var dilation = pointwise ? new Size2(1, 1) : new Size2(rng.Next(4) == 0 && !depthwise ? rng.Next(2, 4) : 1, rng.Next(4) == 0 ? rng.Next(2, 4) : 1);
            Padding padding = (pointwise ? rng.Next(4) : rng.Next(6)) switch
            {
                0 => Padding.Valid,
                1 => Padding.Same,
                2 => Padding.Full,
                3 => pointwise ? Padding.Symmetric(0, 0) : Padding.Symmetric(rng.Next(0, 4), rng.Next(0, 4)),
                _ => Padding.Explicit(rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4)),
            };
            var options = new Conv2dOptions
            {
                Stride = stride, Dilation = dilation, Padding = padding, Groups = groups,
                Border = (BorderMode)rng.Next(5), Flip = rng.Next(3) == 0, Relu = rng.Next(3) == 0,
            };
            bool batched = rng.Next(3) == 0;
            var input = batched ? Random(rng, rng.Next(1, 3), cin, h, w) : Random(rng, cin, h, w);
            var weight = rankOne ? RankOne(rng, cout, kh, kw) : Random(rng, cout, cinG, kh, kw);
            var bias = rng.Next(2) == 0 ? Random(rng, cout) : null;
            try
            {
                Conv2dShape.Resolve(input, weight, bias, options);
            }
            catch (ConvStreamException)
            {
                continue; // kernel larger than the padded input: draw again
            }
            return new Conv2dCase(input, weight, bias, options);
        }
    }
}
