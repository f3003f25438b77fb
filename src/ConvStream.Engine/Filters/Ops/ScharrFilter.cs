using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>scharr:dx=1,dy=0[,scale=…][,delta=…][,depth=u8|s16|f32][,border=B]</c>: OpenCV's
/// <c>Scharr</c> (3×3, smoothing 3/10/3) on u8 frames; exactly one of dx, dy is 1. Default
/// depth s16, as <c>sobel</c>. With neither dx nor dy given, dx=1.
/// </summary>
public sealed class ScharrFilter : SeparableFrameFilter
{
    public ScharrFilter(int dx, int dy, double scale = 1, double delta = 0,
                        PixelDepth depth = PixelDepth.S16, BorderMode border = BorderMode.Reflect, ExecutionSettings? settings = null)
        : base("scharr", MakeKernel(dx, dy, scale, delta, depth), border, settings)
    {
        Dx = dx; Dy = dy;
    }

    public int Dx { get; }
    public int Dy { get; }

    private static SeparableKernel MakeKernel(int dx, int dy, double scale, double delta, PixelDepth depth)
    {
        if (!((dx == 1 && dy == 0) || (dx == 0 && dy == 1)))
            throw new ConvStreamException($"scharr: exactly one of dx, dy must be 1, got dx={dx}, dy={dy}");
        var kx = DerivativeKernels.Scharr(dx);
        var ky = DerivativeKernels.Scharr(dy);
        double rest = FoldScale(new[] { ky }, scale);
        return new SeparableKernel(new[] { (kx, ky) }, new ScaledConversion(depth, rest, delta));
    }
}
