namespace ConvStream.Media.Sinks;

/// <summary>
/// Places live frames on a constant-rate timeline so a recording lasts as long as the run did:
/// frame slot n is at n / rate, a frame goes to the slot of its presentation time, and slots that
/// dropped frames left empty are filled by repeating the frame before. Constant rate with repeats
/// rather than variable frame rate: a raw-video pipe carries no timestamps (ffmpeg could only
/// stamp frames when they reach it, after the encoder's own backlog), and every player, editor and
/// muxer handles constant-rate files; a repeated frame costs H.264 almost nothing (skipped blocks).
/// A frame that comes early (a camera a little faster than its nominal rate) is still written in
/// the next slot, never dropped; the timeline catches up at the next gap.
/// </summary>
internal sealed class FrameSlots(int rateNumerator, int rateDenominator)
{
    private readonly long _num = Math.Max(1, rateNumerator), _den = Math.Max(1, rateDenominator);
    private long _next = -1;

    /// <summary>
    /// How many times the previous frame must be written before this one. Before the first frame
    /// (frames dropped at the very start), the slots from 0 are filled with the first frame itself:
    /// the recording starts when the run did.
    /// </summary>
    public long RepeatsBefore(TimeSpan pts)
    {
        long slot = Math.Max(0, (long)Math.Round((double)pts.Ticks * _num / (_den * (double)TimeSpan.TicksPerSecond)));
        if (_next < 0) _next = 0;
        long repeats = Math.Max(0, slot - _next);
        _next += repeats + 1;
        return repeats;
    }
}
