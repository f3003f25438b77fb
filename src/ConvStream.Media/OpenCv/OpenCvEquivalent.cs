using System.Globalization;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// The OpenCV call that computes what a ConvStream video-filter stage computes, for side-by-side
/// timing in one process (<c>convstream bench --versus opencv</c>, the BenchmarkDotNet classes):
/// gray → cvtColor, gaussian → GaussianBlur, box → boxFilter, sobel → Sobel, scharr → Scharr,
/// laplacian → Laplacian, conv → filter2D, avgpool 2×2 → resize(INTER_AREA), sobel-magnitude →
/// cvtColor + 2 Sobel + magnitude + convertScaleAbs. Null for ops OpenCV has no one call for.
/// </summary>
public static class OpenCvEquivalent
{
    /// <summary>The OpenCV version of stage <paramref name="op"/> with <paramref name="keys"/>, writing into its output Mat; null when there is none.</summary>
    public static Action<Mat, Mat>? For(string op, IReadOnlyDictionary<string, string> keys, IFrameFilter filter)
    {
        var border = keys.TryGetValue("border", out var b) ? BorderOf(BorderModes.Parse(b)) : BorderTypes.Reflect101;
        int I(string key, int fallback) => keys.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double D(string key, double fallback) => keys.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        MatType Depth(PixelDepth fallback) => (keys.TryGetValue("depth", out var v) ? PixelDepths.Parse(v) : fallback) switch
        {
            PixelDepth.U8 => MatType.CV_8U,
            PixelDepth.S16 => MatType.CV_16S,
            _ => MatType.CV_32F,
        };
        switch (op)
        {
            case "gray":
                return (s, d) => { if (s.Channels() == 3) Cv2.CvtColor(s, d, ColorConversionCodes.BGR2GRAY); else s.CopyTo(d); };
            case "gaussian":
            {
                int k = I("size", 0);
                double sx = D("sigma", 0), sy = D("sigma_y", 0);
                return (s, d) => Cv2.GaussianBlur(s, d, new Size(k, k), sx, sy, border);
            }
            case "box":
            {
                int k = I("size", 3);
                bool normalize = !keys.TryGetValue("normalize", out var n) || n == "true";
                var depth = Depth(PixelDepth.U8);
                return (s, d) => Cv2.BoxFilter(s, d, depth, new Size(k, k), new Point(-1, -1), normalize, border);
            }
            case "sobel":
            {
                int dx = I("dx", 1), dy = I("dy", 0), k = I("size", 3);
                double scale = D("scale", 1), delta = D("delta", 0);
                var depth = Depth(PixelDepth.S16);
                return (s, d) => Cv2.Sobel(s, d, depth, dx, dy, k, scale, delta, border);
            }
            case "scharr":
            {
                int dx = I("dx", 1), dy = I("dy", 0);
                double scale = D("scale", 1), delta = D("delta", 0);
                var depth = Depth(PixelDepth.S16);
                return (s, d) => Cv2.Scharr(s, d, depth, dx, dy, scale, delta, border);
            }
            case "laplacian":
            {
                int k = I("size", 1);
                double scale = D("scale", 1), delta = D("delta", 0);
                var depth = Depth(PixelDepth.S16);
                return (s, d) => Cv2.Laplacian(s, d, depth, k, scale, delta, border);
            }
            case "conv" when filter is ConvFilter { Kernel: { PerChannel: true } kernel }:
            {
                var weights = Mat.FromPixelData(kernel.KH, kernel.KW, MatType.CV_32FC1, kernel.Weights);
                var anchor = new Point(kernel.AnchorX, kernel.AnchorY);
                var kb = BorderOf(kernel.Border);
                return (s, d) => Cv2.Filter2D(s, d, -1, weights, anchor, kernel.Bias[0], kb);
            }
            case "avgpool" when I("size", 2) == 2 && I("stride", 2) == 2:
                return (s, d) => Cv2.Resize(s, d, new Size(s.Cols / 2, s.Rows / 2), 0, 0, InterpolationFlags.Area);
            case "sobel-magnitude":
            {
                var gray = new Mat();
                var gx = new Mat();
                var gy = new Mat();
                var fx = new Mat();
                var fy = new Mat();
                var magnitude = new Mat();
                return (s, d) =>
                {
                    var g = s;
                    if (s.Channels() == 3) { Cv2.CvtColor(s, gray, ColorConversionCodes.BGR2GRAY); g = gray; }
                    Cv2.Sobel(g, gx, MatType.CV_16S, 1, 0, 3, 1, 0, border);
                    Cv2.Sobel(g, gy, MatType.CV_16S, 0, 1, 3, 1, 0, border);
                    gx.ConvertTo(fx, MatType.CV_32F);
                    gy.ConvertTo(fy, MatType.CV_32F);
                    Cv2.Magnitude(fx, fy, magnitude);
                    Cv2.ConvertScaleAbs(magnitude, d);
                };
            }
            default:
                return null;
        }
    }

    private static BorderTypes BorderOf(BorderMode b) => b switch
    {
        BorderMode.Zeros => BorderTypes.Constant,
        BorderMode.Replicate => BorderTypes.Replicate,
        BorderMode.Reflect => BorderTypes.Reflect101,
        BorderMode.Symmetric => BorderTypes.Reflect,
        _ => BorderTypes.Wrap,
    };
}
