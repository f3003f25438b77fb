using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// A ConvStream pipeline for C# code that lives in OpenCvSharp: feed it Mats (<see cref="Write"/>),
/// receive every output's results as Mats (the receiver), then <see cref="CompleteAsync"/> for the
/// run summary. The stages are ConvStream's own; only the frames' edges touch OpenCV.
/// <code>
/// await using var run = MatPipeline.Start(PipelineFile.Load("blur.json"), 640, 360, 3, (name, mat, stamp) => Cv2.ImShow(name, mat));
/// while (capture.Read(frame) &amp;&amp; !frame.Empty()) run.Write(frame);
/// var summary = await run.CompleteAsync();
/// </code>
/// </summary>
public sealed class MatPipeline : IAsyncDisposable
{
    private readonly MatSource _source;
    private readonly Task<RunSummary> _run;
    private readonly CancellationTokenSource _stop;

    private MatPipeline(MatSource source, Task<RunSummary> run, CancellationTokenSource stop)
    {
        _source = source;
        _run = run;
        _stop = stop;
    }

    /// <summary>Plans <paramref name="definition"/> for width × height × channels u8 frames and starts it; every output goes to <paramref name="receiver"/>.</summary>
    public static MatPipeline Start(PipelineDefinition definition, int width, int height, int channels, MatReceiver receiver, double framesPerSecond = 30)
    {
        OpenCvRuntime.EnsureLoaded("Mat pipeline");
        var source = new MatSource(width, height, channels, framesPerSecond);
        var plan = PipelinePlan.Build(definition, new FrameFormat(width, height, channels, PixelDepth.U8));
        var sinks = plan.Outputs.ToDictionary(o => o.Name, o => (IVideoSink)new MatSink(o.Name, receiver));
        var runner = new PipelineRunner(plan, source, sinks);
        var stop = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            try { return await runner.RunAsync(stop.Token).ConfigureAwait(false); }
            finally { await source.DisposeAsync().ConfigureAwait(false); } // a writer waiting on a failed run returns
        });
        return new MatPipeline(source, run, stop);
    }

    /// <summary>Feeds one frame; returns once it is copied into the pipeline (the Mat can be reused). Throws the run's error if it failed.</summary>
    public void Write(Mat frame)
    {
        try { _source.Write(frame); }
        catch (ObjectDisposedException) { }
        if (_source.IsDisposed)
        {
            _run.GetAwaiter().GetResult(); // the stage's error, if one stopped the run
            throw new ConvStreamException("Mat pipeline: the run has ended; it takes no more frames");
        }
    }

    /// <summary>No more frames: waits for every result to be delivered and returns the latency summary.</summary>
    public async Task<RunSummary> CompleteAsync()
    {
        _source.Complete();
        return await _run.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            _source.Complete();
            try { await _run.ConfigureAwait(false); } catch (Exception) { /* the caller saw it through Write/CompleteAsync */ }
        }
        _stop.Dispose();
    }
}
