using System.Runtime.CompilerServices;

namespace ConvStream.Engine.Simd;

/// <summary>How the engine's hot loops are compiled (<c>using static ConvStream.Engine.Simd.Inlining;</c> then <c>[MethodImpl(Hot)]</c>).</summary>
internal static class Inlining
{
    /// <summary>
    /// Hot loops are compiled fully optimized at once instead of going through tiering: a
    /// real-time stage must be fast from its first frame, and under heavy load the tier-up never
    /// caught up in the probe (Tier-0 code measured 2-4x slower).
    /// </summary>
    public const MethodImplOptions Hot = MethodImplOptions.AggressiveOptimization;
}
