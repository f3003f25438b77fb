namespace ConvStream.Engine.Io;

/// <summary>The element types ConvStream reads and writes in .npy files.</summary>
public enum NpyDType { Float32, Float64, UInt8, Int16, Int32 }

public static class NpyDTypes
{
    public static int Size(this NpyDType t) => t switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float64 => 8,
        NpyDType.Int16 => 2,
        _ => 1,
    };

    /// <summary>The numpy <c>descr</c> string, little endian.</summary>
    public static string Descr(this NpyDType t) => t switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int16 => "<i2",
        _ => "<i4",
    };
}
