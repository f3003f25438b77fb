using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// Zero-copy views between ConvStream's <see cref="Frame"/> and OpenCvSharp's <see cref="Mat"/>,
/// both directions, for 1..4 channels of u8 (CV_8U), s16 (CV_16S) and f32 (CV_32F), continuous or
/// with a row stride. Neither view owns the pixels: a Mat from <see cref="Of(Frame)"/> must not
/// outlive its frame, and a frame from <see cref="Wrap(Mat)"/> must not outlive its Mat (the frame
/// keeps the Mat object reachable, but disposing the Mat frees the pixels).
/// </summary>
public static class MatView
{
    /// <summary>A Mat header over the frame's pixels (same rows, same stride); writing one writes the other.</summary>
    public static Mat Of(Frame frame)
    {
        if (frame.Channels > 4)
            throw new ConvStreamException($"frame {frame.ShapeText} has {frame.Channels} channels; an OpenCV Mat view takes 1 to 4 (split the feature map first)");
        OpenCvRuntime.EnsureLoaded();
        return Mat.FromPixelData(frame.Height, frame.Width, TypeOf(frame.Depth, frame.Channels), frame.Address, frame.Stride);
    }

    /// <summary>A frame over the Mat's pixels; the Mat must be 2-D with 1..4 channels of CV_8U, CV_16S or CV_32F.</summary>
    public static Frame Wrap(Mat mat)
    {
        var (depth, channels) = FormatOf(mat, "Mat");
        return Frame.Wrap(mat.Data, mat.Cols, mat.Rows, channels, depth, checked((int)mat.Step()), owner: mat);
    }

    /// <summary>A frame over the Mat's pixels that must have exactly <paramref name="expected"/>'s format; otherwise an error naming both.</summary>
    public static Frame Wrap(Mat mat, FrameFormat expected, string name)
    {
        var (depth, channels) = FormatOf(mat, name);
        if (mat.Cols != expected.Width || mat.Rows != expected.Height || channels != expected.Channels || depth != expected.Depth)
            throw new ConvStreamException($"{name}: got a Mat of {Describe(mat)} but {expected} ({TypeOf(expected.Depth, expected.Channels)}) was expected");
        return Frame.Wrap(mat.Data, mat.Cols, mat.Rows, channels, depth, checked((int)mat.Step()), owner: mat);
    }

    /// <summary>A new frame (64-byte aligned rows) holding a copy of the Mat's pixels.</summary>
    public static Frame CopyToFrame(Mat mat, string name)
    {
        var (depth, channels) = FormatOf(mat, name);
        var frame = new Frame(mat.Cols, mat.Rows, channels, depth);
        using var view = Of(frame);
        mat.CopyTo(view);
        return frame;
    }

    /// <summary>OpenCV's type for a depth and channel count: CV_8UC3 for u8 × 3.</summary>
    public static MatType TypeOf(PixelDepth depth, int channels) => depth switch
    {
        PixelDepth.U8 => MatType.CV_8UC(channels),
        PixelDepth.S16 => MatType.CV_16SC(channels),
        _ => MatType.CV_32FC(channels),
    };

    /// <summary>"640x360 CV_8UC3": how errors name a Mat's format.</summary>
    public static string Describe(Mat mat) => mat.Dims > 2 ? $"{mat.Dims}-D {mat.Type()}" : $"{mat.Cols}x{mat.Rows} {mat.Type()}";

    private static (PixelDepth Depth, int Channels) FormatOf(Mat mat, string name)
    {
        ArgumentNullException.ThrowIfNull(mat);
        if (mat.IsDisposed) throw new ConvStreamException($"{name}: the Mat was disposed");
        if (mat.Empty()) throw new ConvStreamException($"{name}: the Mat is empty");
        if (mat.Dims != 2) throw new ConvStreamException($"{name}: a {mat.Dims}-D Mat cannot be a frame; expected a 2-D image Mat");
        var type = mat.Type();
        int channels = type.Channels;
        PixelDepth? depth = type.Depth switch
        {
            MatType.CV_8U => PixelDepth.U8,
            MatType.CV_16S => PixelDepth.S16,
            MatType.CV_32F => PixelDepth.F32,
            _ => null,
        };
        if (depth is null || channels is < 1 or > 4)
            throw new ConvStreamException($"{name}: a Mat of {Describe(mat)} cannot be a frame; expected CV_8U, CV_16S or CV_32F with 1 to 4 channels");
        return (depth.Value, channels);
    }
}

