using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// 1×1 convolution with stride 1 and no padding: a small matrix product (Cout×Cin/groups weights
/// times Cin/groups×pixels) over each image. Rows do not matter here, so each channel plane is
/// one long row cut into chunks of <see cref="ChunkPixels"/>: the taps point straight into the
/// input planes (no copy, no border), and the kernel streams each chunk once.
/// </summary>
internal readonly unsafe struct PointwiseConv
{
    /// <summary>Pixels per work item: 4096 keeps a chunk's input and output channels (16 KiB each) in L2.</summary>
    public const int ChunkPixels = 4096;

    private readonly Conv2dShape _s;
    private readonly bool _relu;
    private readonly SimdLevel _level;
    private readonly long _scratchFloats;
    private readonly bool _streaming;
    private readonly float* _input, _weights, _bias, _output;
    private readonly int _chunks;

    private PointwiseConv(in Conv2dShape s, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.H * s.W, settings);
        _s = s; _relu = relu; _level = settings.Level; _scratchFloats = settings.ScratchFloats;
        _input = input; _weights = weights; _bias = bias; _output = output;
        _chunks = (int)(((long)s.H * s.W + ChunkPixels - 1) / ChunkPixels);
    }

    /// <summary>Whether a call with this shape is a pointwise product.</summary>
    public static bool Applies(in Conv2dShape s)
        => s.KH == 1 && s.KW == 1 && s.StrideH == 1 && s.StrideW == 1
           && s.PadTop == 0 && s.PadBottom == 0 && s.PadLeft == 0 && s.PadRight == 0;

    public static void Run(in Conv2dShape s, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        var call = new PointwiseConv(s, relu, settings, input, weights, bias, output);
        settings.For(s.N * call._chunks, (long)ChunkPixels * s.Cout * s.CinPerGroup, call, static (c, start, end) => c.Band(start, end));
    }

    private void Band(int start, int end)
    {
        var s = _s;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        int pixels = s.H * s.W;
        using var lease = ScratchArena.Rent(2L * cinG + 16, _scratchFloats);
        nint* tap = (nint*)ScratchArena.Align64(lease.Pointer);
        for (int item = start; item < end; item++)
        {
            int n = item / _chunks, chunk = item % _chunks;
            int x0 = chunk * ChunkPixels, x1 = Math.Min(pixels, x0 + ChunkPixels);
            for (int g = 0; g < s.Groups; g++)
            {
                for (int ci = 0; ci < cinG; ci++) tap[ci] = (nint)(_input + ((nint)n * s.Cin + g * cinG + ci) * pixels);
                int co = g * coutG;
                var job = new ConvRowJob(tap, cinG, _weights + (nint)co * cinG, coutG,
                    _output + ((nint)n * s.Cout + co) * pixels, pixels, _bias == null ? null : _bias + co, _relu, _streaming);
                ConvRowKernel.Run(job, x0, x1, _level);
            }
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
