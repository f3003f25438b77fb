using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// 2-D convolution (cross-correlation by default) of (C,H,W) or (N,C,H,W) float32 tensors with
/// (Cout, Cin/groups, KH, KW) weights. Chooses the fastest path itself (<see cref="Conv2dPlan"/>);
/// every path equals <see cref="Conv2dReference"/> to float rounding. To run the same convolution
/// on many inputs, build a <see cref="Conv2dPlan"/> once. <c>settings</c> (SIMD level, threads)
/// default to <see cref="ExecutionSettings.Default"/>.
/// </summary>
public static class Conv2d
{
    /// <summary>Convolves into a new tensor; nothing else is allocated but small bookkeeping.</summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Conv2dOptions options, ExecutionSettings? settings = null)
    {
        var plan = Conv2dPlan.Rent(weight, bias, options, settings);
        try { return plan.Forward(input); }
        finally { plan.Release(); }
    }

    /// <summary>Convolves into <paramref name="output"/>, which must have exactly the output's shape.</summary>
    public static void Forward(Tensor input, Tensor weight, Tensor? bias, Conv2dOptions options, Tensor output, ExecutionSettings? settings = null)
    {
        var plan = Conv2dPlan.Rent(weight, bias, options, settings);
        try { plan.Forward(input, output); }
        finally { plan.Release(); }
    }
}
