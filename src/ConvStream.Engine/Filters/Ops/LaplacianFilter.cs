using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>laplacian:size=1|3|5[,depth=u8|s16|f32][,scale=…][,delta=…][,border=B]</c>: OpenCV's
/// <c>Laplacian</c> on u8 frames. Size 1 is the 4-neighbour kernel, size 3 is
/// <c>[[2,0,2],[0,−8,0],[2,0,2]]</c>, size 5 is ∂²/∂x² + ∂²/∂y² from 5-tap Sobel kernels. Each is
/// run as two separable terms. Default depth s16, as <c>sobel</c>.
/// </summary>
public sealed class LaplacianFilter : SeparableFrameFilter
{
    public LaplacianFilter(int size = 1, double scale = 1, double delta = 0,
                           PixelDepth depth = PixelDepth.S16, BorderMode border = BorderMode.Reflect, ExecutionSettings? settings = null)
        : base("laplacian", MakeKernel(size, scale, delta, depth), border, settings)
    {
        Size = size;
    }

    public int Size { get; }

    private static SeparableKernel MakeKernel(int size, double scale, double delta, PixelDepth depth)
    {
        (int[] Row, int[] Column)[] terms = size switch
        {
            // [[0,1,0],[1,−4,1],[0,1,0]] = (1,−2,1) along x on the centre row + the same down y.
            1 => new[] { (new[] { 1, -2, 1 }, new[] { 0, 1, 0 }), (new[] { 0, 1, 0 }, new[] { 1, -2, 1 }) },
            // [[2,0,2],[0,−8,0],[2,0,2]] = (1,0,1)⊗(2,0,2) + (0,1,0)⊗(0,−8,0).
            3 => new[] { (new[] { 1, 0, 1 }, new[] { 2, 0, 2 }), (new[] { 0, 1, 0 }, new[] { 0, -8, 0 }) },
            5 => new[] { (DerivativeKernels.Sobel(2, 5), DerivativeKernels.Sobel(0, 5)), (DerivativeKernels.Sobel(0, 5), DerivativeKernels.Sobel(2, 5)) },
            _ => throw new ConvStreamException($"laplacian: size {size} must be 1, 3 or 5"),
        };
        double rest = FoldScale(terms.Select(t => t.Column).ToArray(), scale);
        return new SeparableKernel(terms, new ScaledConversion(depth, rest, delta));
    }
}
