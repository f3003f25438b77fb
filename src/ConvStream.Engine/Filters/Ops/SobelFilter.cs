using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>sobel:dx=1,dy=0[,size=1|3|5|7][,scale=…][,delta=…][,depth=u8|s16|f32][,border=B]</c>:
/// OpenCV's <c>Sobel</c> on u8 frames. OpenCV has no default output depth; ConvStream's is s16
/// (the depth that holds every 3×3 and 5×5 derivative of 8-bit input without saturating). Size 1
/// is the 3-tap difference without smoothing. With neither dx nor dy given, dx=1.
/// </summary>
public sealed class SobelFilter : SeparableFrameFilter
{
    public SobelFilter(int dx, int dy, int size = 3, double scale = 1, double delta = 0,
                       PixelDepth depth = PixelDepth.S16, BorderMode border = BorderMode.Reflect, ExecutionSettings? settings = null)
        : base("sobel", MakeKernel(dx, dy, size, scale, delta, depth), border, settings)
    {
        Dx = dx; Dy = dy; Size = size;
    }

    public int Dx { get; }
    public int Dy { get; }
    public int Size { get; }

    private static SeparableKernel MakeKernel(int dx, int dy, int size, double scale, double delta, PixelDepth depth)
    {
        if (dx < 0 || dy < 0 || dx + dy == 0) throw new ConvStreamException($"sobel: dx={dx}, dy={dy} must be ≥ 0 and not both 0");
        if (size is not (1 or 3 or 5 or 7)) throw new ConvStreamException($"sobel: size {size} must be 1, 3, 5 or 7");
        var kx = DerivativeKernels.Sobel(dx, size);
        var ky = DerivativeKernels.Sobel(dy, size);
        double rest = FoldScale(new[] { ky }, scale);
        return new SeparableKernel(new[] { (kx, ky) }, new ScaledConversion(depth, rest, delta));
    }
}
