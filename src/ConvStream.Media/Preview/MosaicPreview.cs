using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Preview;

/// <summary>
/// Several streams in one window (say the source and its Gaussian, Sobel and custom outputs), each
/// in a labelled tile. Each of <see cref="Inputs"/> is a sink for one stream; whenever one gets a
/// frame, its tile is redrawn in one BGR canvas (composed here, in C#) and the canvas goes to a
/// single output, a <see cref="PreviewSink"/> by default. The output is completed when every input is.
/// </summary>
public sealed class MosaicPreview : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly IVideoSink _output;
    private readonly string[] _labels;
    private readonly Input[] _inputs;
    private bool _opened;
    private int _completedInputs;
    private bool _outputCompleted;

    public MosaicPreview(IReadOnlyList<string> labels, int tileWidth, int tileHeight, int columns = 0, IVideoSink? output = null, PreviewOptions? options = null)
    {
        Layout = new MosaicLayout(labels.Count, tileWidth, tileHeight, columns);
        _labels = labels.ToArray();
        _output = output ?? new PreviewSink(options ?? new PreviewOptions { Title = "ConvStream: " + string.Join(" | ", labels) });
        Canvas = new Frame(Layout.Width, Layout.Height, 3);
        Canvas.Bytes.Clear();
        for (int i = 0; i < _labels.Length; i++) DrawLabel(i);
        _inputs = Enumerable.Range(0, labels.Count).Select(i => new Input(this, i)).ToArray();
    }

    public MosaicLayout Layout { get; }
    /// <summary>The composed picture (BGR), as last sent to the output.</summary>
    public Frame Canvas { get; }
    public IReadOnlyList<IVideoSink> Inputs => _inputs;

    private void DrawLabel(int tile)
    {
        var (x, y) = Layout.Origin(tile);
        BitmapFont.Draw(Canvas, _labels[tile], x + 4, y + 4, scale: Layout.TileWidth >= 320 ? 2 : 1);
    }

    private async ValueTask OpenOutput(VideoInfo source, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_opened) return;
            _opened = true;
        }
        await _output.OpenAsync(Layout.Width, Layout.Height, 3, source with { Width = Layout.Width, Height = Layout.Height, Channels = 3 }, ct);
    }

    private ValueTask Draw(int tile, Frame frame, FrameStamp stamp, CancellationToken ct)
    {
        lock (_gate)
        {
            Layout.DrawTile(frame, Canvas, tile);
            DrawLabel(tile);
            // The preview copies the canvas into its own slot during the call, so the lock covers the hand-over.
            return _output.WriteAsync(Canvas, stamp, ct);
        }
    }

    private async ValueTask InputCompleted(CancellationToken ct)
    {
        bool last;
        lock (_gate) last = ++_completedInputs == _inputs.Length;
        if (last) await CompleteOutput(ct);
    }

    private async ValueTask CompleteOutput(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_outputCompleted) return;
            _outputCompleted = true;
        }
        await _output.CompleteAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CompleteOutput(CancellationToken.None);
        await _output.DisposeAsync();
    }

    private sealed class Input(MosaicPreview owner, int tile) : IVideoSink
    {
        private bool _completed;

        public string Description => $"mosaic tile '{owner._labels[tile]}'";

        public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
        {
            if (channels is not (1 or 3)) throw new ConvStreamException($"{Description}: shows gray or BGR frames, not {channels} channels");
            return owner.OpenOutput(source, cancellationToken);
        }

        public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
        {
            if (frame.Depth != PixelDepth.U8 || frame.Channels is not (1 or 3))
                throw new ConvStreamException($"{Description}: shows u8 gray or BGR frames, not {frame.ShapeText}");
            return owner.Draw(tile, frame, stamp, cancellationToken);
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            if (_completed) return ValueTask.CompletedTask;
            _completed = true;
            return owner.InputCompleted(cancellationToken);
        }

        public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
    }
}
