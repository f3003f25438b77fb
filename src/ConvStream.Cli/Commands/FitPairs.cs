using ConvStream.Engine;
using ConvStream.Engine.Fitting;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;
using ConvStream.Media.Sources;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Video;

namespace ConvStream.Cli.Commands;

/// <summary>
/// Reads the before/after frames of <c>convstream fit</c>: two still images (the same reader
/// <c>filter</c> uses), or two videos, of which N frame pairs are sampled evenly from first to
/// last through ConvStream.Media's file sources (ffmpeg; Y4M natively), as <c>run</c> reads them.
/// </summary>
internal static class FitPairs
{
    public sealed record Loaded(IReadOnlyList<(Frame Before, Frame After)> Frames, string Description);

    public static bool IsImage(string path) => ImageFile.IsImageExtension(path);

    public static Loaded Read(string before, string after, int videoFrames, CancellationToken cancel)
    {
        bool stillBefore = IsImage(before), stillAfter = IsImage(after);
        if (stillBefore != stillAfter)
            throw new ConvStreamException($"{(stillBefore ? after : before)} is a video but {(stillBefore ? before : after)} is an image; give two images or two videos");
        if (stillBefore)
        {
            var b = ImageFile.Read(before);
            var a = ImageFile.Read(after);
            return new Loaded([(b, a)], $"{b.Width}x{b.Height}x{b.Channels} {b.Depth.Name()} → {a.Channels} channel(s) {a.Depth.Name()}");
        }
        return ReadVideosAsync(before, after, videoFrames, cancel).GetAwaiter().GetResult();
    }

    private static IVideoSource Open(string path)
    {
        if (!File.Exists(path)) throw new ConvStreamException($"{path}: file not found");
        return path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase) ? Y4mSource.Open(path) : VideoFileSource.Open(path);
    }

    private static async Task<Loaded> ReadVideosAsync(string beforePath, string afterPath, int pairs, CancellationToken cancel)
    {
        await using var before = Open(beforePath);
        await using var after = Open(afterPath);
        VideoInfo bi = before.Info, ai = after.Info;
        if (bi.Width != ai.Width || bi.Height != ai.Height)
            throw new ConvStreamException($"{afterPath} is {ai.Width}x{ai.Height} but {beforePath} is {bi.Width}x{bi.Height}; a before/after pair must have the same size");
        if ((long)bi.FrameRateNumerator * ai.FrameRateDenominator != (long)ai.FrameRateNumerator * bi.FrameRateDenominator)
            throw new ConvStreamException($"{afterPath} runs at {ai.FrameRateNumerator}/{ai.FrameRateDenominator} fps but {beforePath} at {bi.FrameRateNumerator}/{bi.FrameRateDenominator}; the two videos must match frame for frame");
        if (bi.FrameCount is long nb && ai.FrameCount is long na && nb != na)
            throw new ConvStreamException($"{afterPath} has {na} frames but {beforePath} has {nb}; the two videos must match frame for frame");

        // Evenly spaced indices from the first frame to the last; unknown length: the first N.
        long count = bi.FrameCount ?? ai.FrameCount ?? pairs;
        var wanted = new SortedSet<long>();
        for (int k = 0; k < pairs; k++) wanted.Add(pairs == 1 ? 0 : (long)Math.Round(k * (double)(count - 1) / (pairs - 1)));
        long last = wanted.Max;

        var picked = new List<(Frame, Frame)>();
        var fb = new Frame(bi.Width, bi.Height, bi.Channels);
        var fa = new Frame(ai.Width, ai.Height, ai.Channels);
        long index = 0;
        bool endB = false, endA = false;
        for (; ; index++)
        {
            cancel.ThrowIfCancellationRequested();
            endB = await before.ReadAsync(fb, cancel).ConfigureAwait(false) is null;
            endA = await after.ReadAsync(fa, cancel).ConfigureAwait(false) is null;
            if (endB || endA) break;
            if (wanted.Contains(index)) picked.Add((fb.Clone(), fa.Clone()));
            if (index >= last && (bi.FrameCount is not null || ai.FrameCount is not null)) { index++; break; }
        }
        if (endB != endA)
            throw new ConvStreamException($"{(endB ? beforePath : afterPath)} ended after {index} frames but {(endB ? afterPath : beforePath)} goes on; the two videos must match frame for frame");
        if (picked.Count == 0) throw new ConvStreamException($"{beforePath}: no frames");
        return new Loaded(picked, $"{picked.Count} frame pair(s) of {bi.Width}x{bi.Height}x{bi.Channels} u8 sampled from {count} frames");
    }

    /// <summary>The frames as fit pairs, checked (sizes, channels, finite values).</summary>
    public static List<FitPair> ToPairs(Loaded loaded, string before, string after, bool full)
    {
        var list = new List<FitPair>();
        for (int i = 0; i < loaded.Frames.Count; i++)
        {
            string suffix = loaded.Frames.Count == 1 ? "" : $" (frame pair {i + 1})";
            var (b, a) = loaded.Frames[i];
            list.Add(FitPair.FromFrames(b, before + suffix, a, after + suffix, full));
        }
        return list;
    }
}
