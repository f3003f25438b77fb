using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Simd;

namespace ConvStream.Benchmarks;

/// <summary>
/// PNG encode (adaptive filter + fastest zlib) and decode of a 1080p BGR frame (a gradient with
/// noise, like a camera frame), at the process default SIMD level (CONVSTREAM_SIMD=scalar for the
/// scalar filters).
/// Run: ./run.sh bench --filter *PngCodec*
/// </summary>
[MemoryDiagnoser]
public class PngCodecBenchmarks
{
    private Frame _frame = null!;
    private byte[] _png = null!;
    private MemoryStream _output = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = new Frame(1920, 1080, 3);
        var rng = new Random(1);
        for (int y = 0; y < _frame.Height; y++)
        {
            var row = _frame.RowSpan(y);
            for (int i = 0; i < row.Length; i++) row[i] = (byte)((i / 3 + y) / 3 + rng.Next(8));
        }
        _output = new MemoryStream(8 << 20);
        PngWriter.Encode(_output, _frame);
        _png = _output.ToArray();
    }

    [Benchmark]
    public long Encode()
    {
        _output.SetLength(0);
        PngWriter.Encode(_output, _frame);
        return _output.Length;
    }

    [Benchmark]
    public int Decode() => PngReader.Decode(_png, "bench.png").Width;
}
