using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Media.OpenCv;
using ConvStream.Stages;
using OpenCvSharp;

namespace ConvStream.Benchmarks;

/// <summary>
/// One 8-bit video filter, ConvStream's stage against OpenCvSharp 4.13's equivalent call
/// (<see cref="OpenCvEquivalent"/>, the same mapping <c>convstream bench --versus opencv</c> uses) on
/// the same 1080p frame in this process, each writing into a preallocated output. OpenCV is the
/// baseline: the ratio column is ConvStream ÷ OpenCV. One subclass per filter below.
/// Run: ./run.sh bench --filter '*VersusOpenCv*' --job short
/// </summary>
[MemoryDiagnoser]
public abstract class VersusOpenCvBenchmark
{
    private IFrameFilter _filter = null!;
    private Frame _input = null!, _output = null!;
    private Mat _inputMat = null!, _outputMat = null!;
    private Action<Mat, Mat> _openCv = null!;

    /// <summary>The stage, as <c>convstream filter --stage</c> takes it.</summary>
    protected abstract string Spec { get; }

    /// <summary>1 for filters usually run on gray (Sobel and friends), 3 for BGR.</summary>
    protected virtual int Channels => 3;

    [GlobalSetup]
    public void Setup()
    {
        var spec = StageSpec.Parse(Spec, Path.Combine(AppContext.BaseDirectory, "kernels"));
        _filter = StageRegistry.Create(spec);
        _input = new Frame(1920, 1080, Channels);
        var rng = new Random(1);
        for (int y = 0; y < _input.Height; y++)
        {
            var row = _input.RowSpan(y);
            for (int i = 0; i < row.Length; i++) row[i] = (byte)((i / Channels + y) / 4 + rng.Next(16));
        }
        _output = _filter.OutputFormat([FrameFormat.Of(_input)]).Allocate();
        _inputMat = MatView.Of(_input);
        _outputMat = new Mat();
        _openCv = OpenCvEquivalent.For(spec.Op, spec.Keys, _filter) ?? throw new InvalidOperationException($"no OpenCV equivalent for {Spec}");
        _openCv(_inputMat, _outputMat); // allocates OpenCV's output once
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inputMat.Dispose();
        _outputMat.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void OpenCvSharp() => _openCv(_inputMat, _outputMat);

    [Benchmark]
    public void ConvStream() => _filter.Apply([_input], _output);
}

public class GrayVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "gray"; }
public class Gaussian5VersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "gaussian:size=5,sigma=0"; }
public class Gaussian9VersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "gaussian:size=9,sigma=1.5"; }
public class BoxVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "box:size=5"; }
public class SobelVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "sobel:dx=1,dy=0,depth=s16"; protected override int Channels => 1; }
public class ScharrVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "scharr:dx=1,dy=0,depth=s16"; protected override int Channels => 1; }
public class LaplacianVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "laplacian:size=3,depth=s16"; protected override int Channels => 1; }
public class SobelMagnitudeVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "sobel-magnitude"; }
public class Filter2DVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "conv:kernel=sharpen.json"; }
public class AvgPoolVersusOpenCv : VersusOpenCvBenchmark { protected override string Spec => "avgpool:size=2"; }
