using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>box:size=K[,normalize=true|false][,depth=u8|s16|f32][,border=B]</c>: OpenCV's
/// <c>boxFilter</c> (<c>blur</c> when normalised) on u8 frames, anchor at K/2 (so an even K puts
/// the extra pixel before). u8 output is bit-exact: OpenCV's reciprocal division for areas up to
/// 256, single-precision rounding above; unnormalised sums saturate, as <c>ddepth=-1</c> does.
/// </summary>
public sealed class BoxFilter : SeparableFrameFilter
{
    public const int MaxSize = 255;

    public BoxFilter(int size, bool normalize = true, PixelDepth depth = PixelDepth.U8, BorderMode border = BorderMode.Reflect, ExecutionSettings? settings = null)
        : base("box", MakeKernel(size, normalize, depth), border, settings)
    {
        Size = size;
        Normalize = normalize;
    }

    public int Size { get; }
    public bool Normalize { get; }

    private static SeparableKernel MakeKernel(int size, bool normalize, PixelDepth depth)
    {
        if (size is < 1 or > MaxSize) throw new ConvStreamException($"box: size {size} must be from 1 to {MaxSize}");
        var ones = Enumerable.Repeat(1, size).ToArray();
        int area = size * size;
        SumConversion conversion = !normalize || area == 1 ? new ScaledConversion(depth, 1, 0)
            : depth == PixelDepth.U8 && area <= 256 ? new BoxDivision(area)
            : new ScaledConversion(depth, 1.0 / area, 0);
        return new SeparableKernel(new[] { (ones, ones) }, conversion, unsignedRows: true);
    }
}
