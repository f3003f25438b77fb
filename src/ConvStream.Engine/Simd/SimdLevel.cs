using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Simd;

/// <summary>The vector width a kernel runs at.</summary>
public enum SimdLevel { Scalar = 0, V128 = 128, V256 = 256, V512 = 512 }

/// <summary>
/// The widest level the CPU accelerates, and the process default chosen once at start:
/// <c>CONVSTREAM_SIMD=scalar|128|256|512</c> forces one (never wider than the hardware). Plans run
/// at the level of their <see cref="ExecutionSettings"/>; nothing here changes after start.
/// </summary>
public static class Simd
{
    /// <summary>The widest level this CPU runs.</summary>
    public static SimdLevel Hardware { get; } =
        Vector512.IsHardwareAccelerated ? SimdLevel.V512 :
        Vector256.IsHardwareAccelerated ? SimdLevel.V256 :
        Vector128.IsHardwareAccelerated ? SimdLevel.V128 : SimdLevel.Scalar;

    /// <summary>The default level (<c>CONVSTREAM_SIMD</c>, else <see cref="Hardware"/>): <see cref="ExecutionSettings.Default"/>'s.</summary>
    public static SimdLevel Level { get; } = FromEnvironment();

    /// <summary>Parses scalar, 128, 256 or 512 (the values of <c>CONVSTREAM_SIMD</c>).</summary>
    public static SimdLevel Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "scalar" or "0" or "none" => SimdLevel.Scalar,
        "128" => SimdLevel.V128,
        "256" => SimdLevel.V256,
        "512" => SimdLevel.V512,
        _ => throw new ConvStreamException($"CONVSTREAM_SIMD '{text}' is not scalar, 128, 256 or 512"),
    };

    /// <summary>The levels this machine can run, narrowest first (for tests that cover each).</summary>
    public static IReadOnlyList<SimdLevel> Supported { get; } =
        new[] { SimdLevel.Scalar, SimdLevel.V128, SimdLevel.V256, SimdLevel.V512 }.Where(l => l <= Hardware).ToArray();

    private static SimdLevel FromEnvironment()
    {
        string? forced = Environment.GetEnvironmentVariable("CONVSTREAM_SIMD");
        if (string.IsNullOrWhiteSpace(forced)) return Hardware;
        var level = Parse(forced);
        return level <= Hardware ? level : Hardware;
    }
}
