namespace ConvStream.Engine.Filters;

/// <summary>
/// Which frame layouts a filter computes in: what the planner reads to decide where frames travel
/// planar and where the one vectorised conversion goes (<see cref="Imaging.FrameConvert"/>).
/// </summary>
public enum LayoutUse
{
    /// <summary>Reads and writes interleaved frames only (8-bit filters, codecs, displays).</summary>
    Interleaved,

    /// <summary>
    /// Computes on planar (C,H,W) f32: handed planar inputs it reads them as they are, and it writes a
    /// planar f32 result, which the runner converts only where a reader needs interleaved frames or
    /// the stage's depth is not f32. Called directly with interleaved frames it converts them itself.
    /// </summary>
    Planar,

    /// <summary>Elementwise: writes its output in its input's layout (a planar input must be f32).</summary>
    Either,
}
