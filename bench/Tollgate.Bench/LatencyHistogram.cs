using System.Diagnostics;
using System.Numerics;

namespace Tollgate.Bench;

/// <summary>
/// Log-linear histogram of Stopwatch ticks, in the manner of HdrHistogram: exact below 128 ticks,
/// then 64 buckets per power of two, so any quantile is within about 1.6% of the true value.
/// Each caller owns one, so recording is a plain increment with no lock or interlocked operation;
/// they are merged once the run is over.
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearBuckets = 128;
    private const int BucketsPerPowerOfTwo = LinearBuckets / 2;
    private const int BucketCount = LinearBuckets + (63 - 7) * BucketsPerPowerOfTwo;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public void Record(long ticks)
    {
        _counts[BucketOf(Math.Max(0, ticks))]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++) _counts[i] += other._counts[i];
        Count += other.Count;
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0..1) in milliseconds; 0 when nothing was recorded.</summary>
    public double QuantileMilliseconds(double q)
    {
        if (Count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var bucket = 0; bucket < BucketCount; bucket++)
        {
            seen += _counts[bucket];
            if (seen >= rank) return Midpoint(bucket) * 1000.0 / Stopwatch.Frequency;
        }
        throw new UnreachableException("The counts add up to Count.");
    }

    private static int BucketOf(long ticks)
    {
        if (ticks < LinearBuckets) return (int)ticks;
        // Keep the top 7 bits: the value's power of two picks the bucket group, the next 6 bits the bucket.
        var shift = BitOperations.Log2((ulong)ticks) - 6;
        return LinearBuckets + (shift - 1) * BucketsPerPowerOfTwo + (int)(ticks >> shift) - BucketsPerPowerOfTwo;
    }

    private static double Midpoint(int bucket)
    {
        if (bucket < LinearBuckets) return bucket;
        var shift = (bucket - LinearBuckets) / BucketsPerPowerOfTwo + 1;
        var lowerBound = (long)((bucket - LinearBuckets) % BucketsPerPowerOfTwo + BucketsPerPowerOfTwo) << shift;
        return lowerBound + (1L << shift) / 2.0;
    }
}
