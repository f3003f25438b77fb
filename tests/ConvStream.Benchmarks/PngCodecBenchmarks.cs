using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;
using ConvStream.Media.OpenCv;
using OpenCvSharp;

namespace ConvStream.Benchmarks;

/// <summary>
/// PNG encode of a 1080p BGR frame (a gradient with noise, like a camera frame): ConvStream's
/// encoder (adaptive filter + .NET's fastest zlib), which image outputs use, against OpenCV
/// imgcodecs' libpng at level 1 (its fastest that compresses) on the same frame; and the decode
/// every PNG goes through (imgcodecs). The figures decide why ConvStream keeps its own encoder.
/// Run: ./run.sh bench --filter *PngCodec*
/// </summary>
[MemoryDiagnoser]
public class PngCodecBenchmarks
{
    private Frame _frame = null!;
    private Mat _mat = null!;
    private byte[] _png = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = new Frame(1920, 1080, 3);
        var rng = new Random(1);
        for (int y = 0; y < _frame.Height; y++)
        {
            var row = _frame.RowSpan(y);
            for (int i = 0; i < row.Length; i++) row[i] = (byte)((i / 3 + y) / 8 + rng.Next(8));
        }
        _mat = MatView.Of(_frame);
        _png = ImageCodec.Encode(_frame, ".png");
    }

    [GlobalCleanup]
    public void Cleanup() => _mat.Dispose();

    [Benchmark(Baseline = true)]
    public int EncodeConvStream() => ImageCodec.Encode(_frame, ".png").Length;

    [Benchmark]
    public int EncodeOpenCvLevel1()
    {
        Cv2.ImEncode(".png", _mat, out byte[] bytes, [(int)ImwriteFlags.PngCompression, 1]);
        return bytes.Length;
    }

    [Benchmark]
    public int DecodeOpenCv() => ImageCodec.Decode(_png, "bench.png").Width;
}
