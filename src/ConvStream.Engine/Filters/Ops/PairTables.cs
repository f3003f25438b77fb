using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// The byte-permute indices of the 2×2 stride-2 pools (<see cref="PoolRows"/>), per channel count
/// and vector width, built once in pinned memory: the hot loops load them by pointer (a static
/// vector field would put a class-initialization check in every step). For a vector of L input
/// bytes the whole pixel pairs that fit, <c>InBlock = L/(2C)·2C</c> bytes, give InBlock/2 outputs j:
/// <see cref="First"/>[j] and <see cref="Second"/>[j] index the pair's two samples (C apart), and
/// <see cref="Adjacent"/> places them side by side (bytes 2j, 2j+1) for <c>pmaddubsw</c>.
/// </summary>
internal static unsafe class PairTables
{
    public const int First = 0, Second = 1, Adjacent = 2;
    private const int Kinds = 3;
    public const int MaxChannels = 32;   // a pair of 32-byte pixels fills a 64-byte vector

    /// <summary>The tables of one channel count at the widths 16, 32 and 64 bytes.</summary>
    public readonly struct Set(byte* t16, byte* t32, byte* t64)
    {
        /// <summary>The tables for vectors of <paramref name="lanes"/> bytes (a JIT-time constant in a kernel step): kind k at k·lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public byte* At(int lanes) => lanes == 16 ? t16 : lanes == 32 ? t32 : t64;
    }

    private static readonly byte[] Tables = Build();

    /// <summary>The tables for <paramref name="channels"/> (beyond <see cref="MaxChannels"/> no width has a whole pair, and the kernels run scalar: the tables of 1 stand in).</summary>
    public static Set For(int channels)
    {
        int c = channels <= MaxChannels ? channels : 1;
        byte* b = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Tables));   // pinned
        return new Set(b + Offset(c, 16), b + Offset(c, 32), b + Offset(c, 64));
    }

    /// <summary>Per channel count, the kinds at width 16, then 32, then 64.</summary>
    private static int Offset(int channels, int lanes) => (channels - 1) * Kinds * (16 + 32 + 64) + Kinds * (lanes == 16 ? 0 : lanes == 32 ? 16 : 48);

    private static byte[] Build()
    {
        var t = GC.AllocateArray<byte>(MaxChannels * Kinds * (16 + 32 + 64), pinned: true);
        for (int c = 1; c <= MaxChannels; c++)
            foreach (int lanes in (ReadOnlySpan<int>)[16, 32, 64])
            {
                var span = t.AsSpan(Offset(c, lanes), Kinds * lanes);
                int inBlock = lanes / (2 * c) * 2 * c;
                for (int j = 0; j < inBlock / 2; j++)
                {
                    byte first = (byte)(j / c * 2 * c + j % c);
                    span[First * lanes + j] = first;
                    span[Second * lanes + j] = (byte)(first + c);
                    span[Adjacent * lanes + 2 * j] = first;
                    span[Adjacent * lanes + 2 * j + 1] = (byte)(first + c);
                }
            }
        return t;
    }
}
