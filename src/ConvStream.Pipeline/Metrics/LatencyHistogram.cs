using System.Numerics;

namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// A fixed-bucket logarithmic histogram of durations in nanoseconds, as HdrHistogram lays them
/// out: values below 32 ns have a bucket each, above that every power of two is split into 32
/// linear sub-buckets, so a percentile is off by at most 1/32 (~3 %) of its value. Recording is
/// an increment (no allocation, no lock); one thread records, others may read a slightly stale
/// picture. The exact maximum is kept beside the buckets.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 5;
    private const int Sub = 1 << SubBits;
    // Exponents up to 2^46 ns (~19 hours) are more than any frame will ever wait.
    private const int MaxExponent = 46;
    private readonly long[] _counts = new long[Sub + (MaxExponent - SubBits + 1) * Sub];
    private long _count, _sum, _max;

    public long Count => Volatile.Read(ref _count);
    public long MaxNanoseconds => Volatile.Read(ref _max);
    public double MeanNanoseconds => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0) nanoseconds = 0;
        _counts[BucketOf(nanoseconds)]++;
        _count++;
        _sum += nanoseconds;
        if (nanoseconds > _max) _max = nanoseconds;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _count = _sum = _max = 0;
    }

    /// <summary>The value below which a fraction <paramref name="quantile"/> of the recorded values fall (bucket midpoint, at most the maximum).</summary>
    public long Percentile(double quantile)
    {
        long n = Count;
        if (n == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(quantile * n));
        long seen = 0;
        for (int b = 0; b < _counts.Length; b++)
        {
            seen += _counts[b];
            if (seen >= rank) return Math.Min(Midpoint(b), MaxNanoseconds);
        }
        return MaxNanoseconds;
    }

    public double PercentileMs(double quantile) => Percentile(quantile) / 1e6;
    public double MaxMs => MaxNanoseconds / 1e6;

    /// <summary>
    /// The non-empty buckets in increasing order, each as [lower, upper) nanoseconds and its count:
    /// what a histogram plot draws. Read it once recording has stopped.
    /// </summary>
    public IEnumerable<HistogramBucket> Buckets()
    {
        for (int b = 0; b < _counts.Length; b++)
            if (_counts[b] > 0) yield return new HistogramBucket(LowerBound(b), LowerBound(b + 1), _counts[b]);
    }

    internal static int BucketOf(long v)
    {
        if (v < Sub) return (int)v;
        int exponent = 63 - BitOperations.LeadingZeroCount((ulong)v);
        if (exponent > MaxExponent) return Sub + (MaxExponent - SubBits + 1) * Sub - 1;
        int sub = (int)((v >> (exponent - SubBits)) & (Sub - 1));
        return Sub + (exponent - SubBits) * Sub + sub;
    }

    /// <summary>Lower bound of bucket <paramref name="b"/>; the inverse of <see cref="BucketOf"/>.</summary>
    internal static long LowerBound(int b)
    {
        if (b < Sub) return b;
        int exponent = (b - Sub) / Sub + SubBits;
        long sub = (b - Sub) % Sub;
        return (1L << exponent) + (sub << (exponent - SubBits));
    }

    private static long Midpoint(int b)
    {
        if (b < Sub) return b;
        int exponent = (b - Sub) / Sub + SubBits;
        return LowerBound(b) + (1L << (exponent - SubBits)) / 2;
    }
}

/// <summary>One bucket of a <see cref="LatencyHistogram"/>: values in [<paramref name="LowerNs"/>, <paramref name="UpperNs"/>) nanoseconds.</summary>
public readonly record struct HistogramBucket(long LowerNs, long UpperNs, long Count);
