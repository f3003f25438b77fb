namespace ConvStream.Engine.Geometry;

/// <summary>
/// The receptive field of a stack of layers, grown one layer at a time:
/// <c>r_l = r_(l−1) + (k_l − 1)·d_l·j_(l−1)</c>, <c>j_l = j_(l−1)·s_l</c> (DESIGN §3), so a path of
/// n layers costs n steps, not n² (planning keeps one of these per stage). Both numbers saturate
/// at int.MaxValue: a field that large covers any frame, and a long stack of strides would
/// overflow even 64 bits.
/// </summary>
public readonly record struct ReceptiveField(int Field, int Jump)
{
    /// <summary>The source itself: each pixel sees itself.</summary>
    public static ReceptiveField Source => new(1, 1);

    /// <summary>The field after one more layer with this kernel, stride and dilation.</summary>
    public ReceptiveField Then(int kernel, int stride, int dilation)
    {
        long grow = Saturating(Saturating(Math.Max(kernel - 1, 0), Math.Max(dilation, 0)), Jump);
        return new ReceptiveField((int)Math.Min(int.MaxValue, Field + grow), (int)Saturating(Jump, Math.Max(stride, 1)));
    }

    private static long Saturating(long a, long b) => a == 0 || b <= int.MaxValue / a ? Math.Min(a * b, int.MaxValue) : int.MaxValue;
}
