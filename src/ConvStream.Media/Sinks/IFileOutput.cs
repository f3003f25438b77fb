namespace ConvStream.Media.Sinks;

/// <summary>
/// A sink that writes files (a video, a Y4M, an image sequence). After it completed, it says
/// whether its output is in place, so a failed run can name every output it lost and every one
/// it kept (a full disk can cost several outputs at once).
/// </summary>
public interface IFileOutput
{
    /// <summary>Where the output goes ("out/gauss.mp4").</summary>
    string Description { get; }

    /// <summary>Frames written so far.</summary>
    long FramesWritten { get; }

    /// <summary>
    /// Of <see cref="FramesWritten"/>, how many repeat the frame before to fill slots that frames a
    /// live run dropped left empty (<see cref="FrameSlots"/>), so the recording lasts as long as the run.
    /// </summary>
    long FramesRepeated { get; }

    /// <summary>True once completed with the output whole under its final name.</summary>
    bool Kept { get; }
}
