namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// The exponential OpenCV's bit-exact Gaussian kernels use (its softfloat <c>exp</c>), so that
/// <see cref="GaussianKernel.Weights"/> equals <c>getGaussianKernel</c> to the last bit; the
/// platform's <see cref="Math.Exp"/> differs from it by a few ulps. The method: x·64/ln 2 is split
/// into an integer k and a fraction f; the result is 2^(k>>6) · 2^((k&amp;63)/64) (a table) · a
/// degree-5 polynomial in f, every step a correctly rounded IEEE double operation (softfloat's
/// arithmetic is; .NET does not fuse multiply-adds on its own).
/// </summary>
internal static class SoftExp
{
    private const int TableBits = 6;

    // 2^(i/64), correctly rounded.
    private static readonly ulong[] Table =
    {
        0x3FF0000000000000, 0x3FF02C9A3E778061, 0x3FF059B0D3158574, 0x3FF0874518759BC8, 0x3FF0B5586CF9890F, 0x3FF0E3EC32D3D1A2, 0x3FF11301D0125B51, 0x3FF1429AAEA92DE0,
        0x3FF172B83C7D517B, 0x3FF1A35BEB6FCB75, 0x3FF1D4873168B9AA, 0x3FF2063B88628CD6, 0x3FF2387A6E756238, 0x3FF26B4565E27CDD, 0x3FF29E9DF51FDEE1, 0x3FF2D285A6E4030B,
        0x3FF306FE0A31B715, 0x3FF33C08B26416FF, 0x3FF371A7373AA9CB, 0x3FF3A7DB34E59FF7, 0x3FF3DEA64C123422, 0x3FF4160A21F72E2A, 0x3FF44E086061892D, 0x3FF486A2B5C13CD0,
        0x3FF4BFDAD5362A27, 0x3FF4F9B2769D2CA7, 0x3FF5342B569D4F82, 0x3FF56F4736B527DA, 0x3FF5AB07DD485429, 0x3FF5E76F15AD2148, 0x3FF6247EB03A5585, 0x3FF6623882552225,
        0x3FF6A09E667F3BCD, 0x3FF6DFB23C651A2F, 0x3FF71F75E8EC5F74, 0x3FF75FEB564267C9, 0x3FF7A11473EB0187, 0x3FF7E2F336CF4E62, 0x3FF82589994CCE13, 0x3FF868D99B4492ED,
        0x3FF8ACE5422AA0DB, 0x3FF8F1AE99157736, 0x3FF93737B0CDC5E5, 0x3FF97D829FDE4E50, 0x3FF9C49182A3F090, 0x3FFA0C667B5DE565, 0x3FFA5503B23E255D, 0x3FFA9E6B5579FDBF,
        0x3FFAE89F995AD3AD, 0x3FFB33A2B84F15FB, 0x3FFB7F76F2FB5E47, 0x3FFBCC1E904BC1D2, 0x3FFC199BDD85529C, 0x3FFC67F12E57D14B, 0x3FFCB720DCEF9069, 0x3FFD072D4A07897C,
        0x3FFD5818DCFBA487, 0x3FFDA9E603DB3285, 0x3FFDFC97337B9B5F, 0x3FFE502EE78B3FF6, 0x3FFEA4AFA2A490DA, 0x3FFEFA1BEE615A27, 0x3FFF50765B6E4540, 0x3FFFA7C1819E90D8,
    };

    private static readonly double Scale0 = Bits(0x3f83ce0f3e46f431);       // ≈ 0.009670371139572338
    private static readonly double Prescale = Bits(0x3ff71547652b82fe) * (1 << TableBits); // 64 / ln 2
    private static readonly double Postscale = 1.0 / (1 << TableBits);
    private static readonly double MaxArgument = 3000.0 * (1 << TableBits);
    // Polynomial for 2^f on [−1/128, 1/128] (f in units of the table step), pre-divided by Scale0.
    private static readonly double A5 = 1.0 / Scale0;
    private static readonly double A4 = Bits(0x3fe62e42fefa39f1) / Scale0;
    private static readonly double A3 = Bits(0x3fcebfbdff82a45a) / Scale0;
    private static readonly double A2 = Bits(0x3fac6b08d81fec75) / Scale0;
    private static readonly double A1 = Bits(0x3f83b2a72b4f3cd3) / Scale0;
    private static readonly double A0 = Bits(0x3f55e7aa1566c2a4) / Scale0;

    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (double.IsInfinity(x)) return x > 0 ? x : 0;
        int biasedExponent = (int)((BitConverter.DoubleToUInt64Bits(x) >> 52) & 0x7FF);
        double x0 = biasedExponent > 1023 + 10 ? (x < 0 ? -MaxArgument : MaxArgument) : x * Prescale;
        int k = (int)Math.Round(x0, MidpointRounding.ToEven);
        int e = Math.Clamp((k >> TableBits) + 1023, 0, 2047);
        double power = BitConverter.UInt64BitsToDouble((ulong)e << 52);
        double f = (x0 - Math.Round(x0, MidpointRounding.ToEven)) * Postscale;
        double poly = ((((A0 * f + A1) * f + A2) * f + A3) * f + A4) * f + A5;
        return power * Scale0 * Bits(Table[k & ((1 << TableBits) - 1)]) * poly;
    }

    private static double Bits(ulong raw) => BitConverter.UInt64BitsToDouble(raw);
}
