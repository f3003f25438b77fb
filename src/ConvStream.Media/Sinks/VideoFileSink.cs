using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sinks;

/// <summary>
/// Encodes frames into a video file with an ffmpeg child fed raw bgr24/gray on stdin. Container
/// and codec follow the extension (<see cref="EncoderChoice"/>): H.264 yuv420p in MP4 by default,
/// FFV1 (lossless, bgr0) in MKV. The source's frame rate is kept, and when the source is a file
/// with audio its audio is copied (re-encoded when the container cannot hold it), trimmed to the
/// video. The encode is finished by closing stdin and waiting, so the last frames and the container
/// index are written even when the pipeline stopped early; it is killed only if it does not exit
/// within <see cref="VideoFileSinkOptions.FinishTimeout"/>. The file is written under a temporary
/// name and moved into place only when the encoder finished cleanly: it exited by itself with
/// status 0 and logged no error (ffmpeg exits 0 even after "Error writing trailer: No space left
/// on device", leaving an MP4 without its index). Anything else discards the file and says so:
/// an output is either whole under its name or absent.
/// </summary>
public sealed class VideoFileSink : IVideoSink, IFileOutput
{
    private readonly VideoFileSinkOptions _options;
    private readonly OutputFile _output;
    private readonly List<string> _notes = new();
    private ChildProcess? _child;
    private int _width, _height, _channels;
    private byte[]? _packed;
    private bool _completed;
    private string? _failure;
    private bool _audioMapped;
    private VideoInfo? _source;
    private FrameSlots? _slots;
    private byte[]? _last;

    public VideoFileSink(string path, VideoFileSinkOptions? options = null)
    {
        _options = options ?? new VideoFileSinkOptions();
        Description = path;
        _output = new OutputFile(path);
        // Validate the extension now, not after the pipeline started.
        EncoderChoice.For(path, 3, _options);
    }

    public string Description { get; }
    public long FramesWritten { get; private set; }
    /// <summary>Choices the sink made that the user should know about (padding, audio re-encoding).</summary>
    public IReadOnlyList<string> Notes => _notes;
    public int? ProcessId => _child?.Id;
    public int PipeSize { get; private set; }
    public bool Kept => _output.Committed;
    /// <summary>Frames written again to cover frames a live run dropped (included in <see cref="FramesWritten"/>).</summary>
    public long FramesRepeated { get; private set; }

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        if (_child is not null) throw new InvalidOperationException($"{Description}: opened twice");
        if (channels is not (1 or 3)) throw new ConvStreamException($"{Description}: video files take gray or BGR frames, not {channels} channels");
        _width = width; _height = height; _channels = channels;
        _source = source;
        if (_options.FillDroppedFrames ?? source.IsLive) _slots = new FrameSlots(source.FrameRateNumerator, source.FrameRateDenominator);
        string ffmpeg = FfmpegLocator.Find("ffmpeg", _options.FfmpegPath);
        var choice = EncoderChoice.For(Description, channels, _options);
        string rate = $"{Math.Max(1, source.FrameRateNumerator)}/{Math.Max(1, source.FrameRateDenominator)}";

        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "level+" + _options.LogLevel, "-y",
            "-f", "rawvideo", "-pix_fmt", channels == 3 ? "bgr24" : "gray", "-video_size", $"{width}x{height}", "-framerate", rate, "-i", "pipe:0" };

        string? audioCodec = null;
        if (_options.CopyAudio && source.HasAudio && source.SourcePath is string src && File.Exists(src))
        {
            audioCodec = MediaProbe.Probe(src, _options.FfmpegPath).AudioCodec;
            if (audioCodec is not null) args.AddRange(["-i", src]);
        }
        args.AddRange(["-map", "0:v:0"]);
        if (audioCodec is not null) args.AddRange(["-map", "1:a?"]);

        var (evenW, evenH) = EncoderChoice.NeedsEven(choice.PixelFormat);
        if ((evenW && width % 2 == 1) || (evenH && height % 2 == 1))
        {
            int pw = evenW ? (width + 1) / 2 * 2 : width, ph = evenH ? (height + 1) / 2 * 2 : height;
            args.AddRange(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"]);
            Note($"{Description}: {choice.PixelFormat} needs even dimensions, so {width}x{height} frames are padded to {pw}x{ph} (one black column/row); use pixel format yuv444p or an .mkv (ffv1) output to keep the size");
        }
        args.AddRange(choice.VideoArgs);
        args.AddRange(["-pix_fmt", choice.PixelFormat]);
        if (audioCodec is not null)
        {
            if (choice.CanCopy(audioCodec)) args.AddRange(["-c:a", "copy"]);
            else
            {
                args.Add("-c:a");
                args.AddRange(choice.AudioEncoder);
                Note($"{Description}: the source's {audioCodec} audio cannot go into {choice.Muxer} as is; re-encoding it to {choice.AudioEncoder[0]}");
            }
            // ffmpeg 5's -shortest ends the video early when the copied audio is read faster than
            // frames arrive on the pipe, so a video that stopped early is trimmed in CompleteAsync instead.
            _audioMapped = true;
        }
        args.AddRange(["-f", choice.Muxer, _output.Temporary]);

        _child = ChildProcess.Start(ffmpeg, args, $"ffmpeg encoding {Description}", redirectStdin: true, redirectStdout: false);
        PipeSize = PipeBuffer.Enlarge(_child.Stdin!);
        // If the program ends without completing us (Environment.Exit, SIGTERM), the exit hook lets
        // ffmpeg finish the file; it is then moved into place as CompleteAsync would.
        _child.OnFinishedAtExit = () =>
        {
            if (FramesWritten > 0 && !_completed && _failure is null && _child.ExitCode == 0 && _child.Stderr.ErrorLines == 0) _output.Commit();
        };
        return ValueTask.CompletedTask;
    }

    private void Note(string note)
    {
        _notes.Add(note);
        _options.Log?.Invoke(note);
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var child = _child ?? throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (_failure is not null) throw new ConvStreamException(_failure);
        if (frame.Width != _width || frame.Height != _height || frame.Channels != _channels || frame.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened {_width}x{_height}x{_channels} u8 stream");
        var stdin = child.Stdin ?? throw new ConvStreamException($"{Description}: already completed");
        try
        {
            ReadOnlySpan<byte> current;
            if (frame.Stride == frame.RowBytes) current = frame.Bytes;
            else
            {
                _packed ??= GC.AllocateUninitializedArray<byte>(frame.RowBytes * frame.Height, pinned: true);
                frame.CopyToPacked(_packed);
                current = _packed;
            }
            if (_slots is not null)
            {
                // Empty slots before this frame: the previous frame again (before the first frame, this one).
                var fill = _last is null ? current : _last;
                for (long r = _slots.RepeatsBefore(stamp.Pts); r > 0; r--)
                {
                    stdin.Write(fill);
                    FramesWritten++;
                    FramesRepeated++;
                }
            }
            stdin.Write(current);
            // Kept for the next gap (live only: one copy per frame, in its own buffer).
            if (_slots is not null) current.CopyTo(_last ??= GC.AllocateUninitializedArray<byte>(current.Length, pinned: true));
        }
        catch (IOException e)
        {
            // ffmpeg went away (bad option, killed, crashed): say how it ended, then what it said last,
            // which may be an unrelated warning (a killed process writes no last words).
            bool exited = child.WaitForExit(TimeSpan.FromSeconds(10));
            _failure = $"{Description}: the encoder (ffmpeg, process {child.Id}) {(exited ? child.ExitDescription : "stopped reading its input")} after {FramesWritten} frames; its last lines: {child.Stderr.Quote()}";
            throw new ConvStreamException(_failure, e);
        }
        FramesWritten++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed) return ValueTask.CompletedTask;
        _completed = true;
        var child = _child;
        if (child is null) { _output.Discard(); return ValueTask.CompletedTask; }
        child.CloseStdin();
        bool exited = child.WaitForExit(_options.FinishTimeout);
        if (!exited) child.Kill();
        string how = exited ? child.ExitDescription : $"did not finish within {_options.FinishTimeout.TotalSeconds:0} s and was killed";
        int exitCode = exited ? child.ExitCode : -1;
        long errors = child.Stderr.ErrorLines;
        string? firstError = child.Stderr.FirstError;
        string tail = child.Stderr.Quote();
        child.Dispose();
        bool clean = exited && exitCode == 0 && errors == 0 && _failure is null && File.Exists(_output.Temporary);
        if (clean && FramesWritten > 0)
        {
            if (_audioMapped) TrimAudioToVideo();
            _output.Commit();
            return ValueTask.CompletedTask;
        }
        _output.Discard();
        if (FramesWritten == 0 && _failure is null && exited && exitCode == 0) return ValueTask.CompletedTask; // nothing to write
        if (_failure is not null) throw new ConvStreamException($"{_failure} (file not written)");
        string why = exitCode == 0 && exited
            ? $"the encoder logged an error: {firstError}"
            : $"the encoder (ffmpeg, process {child.Id}) {how}; its last lines: {tail}";
        throw new ConvStreamException($"{Description}: not written after {FramesWritten} frames: {why}");
    }

    /// <summary>
    /// When the video stopped before the source's end, the copied audio is longer than the video:
    /// remux (stream copy, no re-encoding) with the duration of the frames actually written.
    /// </summary>
    private void TrimAudioToVideo()
    {
        var src = _source!;
        double videoSeconds = FramesWritten * (double)Math.Max(1, src.FrameRateDenominator) / Math.Max(1, src.FrameRateNumerator);
        double? sourceSeconds = src.Duration?.TotalSeconds;
        if (sourceSeconds is double s && s <= videoSeconds + 0.5 * src.FrameRateDenominator / Math.Max(1, src.FrameRateNumerator)) return;
        string trimmed = _output.Temporary + ".trim" + Path.GetExtension(_output.Temporary);
        string ffmpeg = FfmpegLocator.Find("ffmpeg", _options.FfmpegPath);
        using var child = ChildProcess.Start(ffmpeg,
            ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", "-i", _output.Temporary, "-map", "0", "-c", "copy",
             "-t", videoSeconds.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture), "-f", EncoderChoice.For(Description, _channels, _options).Muxer, trimmed],
            $"ffmpeg trimming the audio of {Description}", redirectStdin: false, redirectStdout: false);
        if (child.WaitForExit(_options.FinishTimeout) && child.ExitCode == 0 && File.Exists(trimmed))
            File.Move(trimmed, _output.Temporary, overwrite: true);
        else
        {
            if (!child.HasExited) child.Kill();
            try { File.Delete(trimmed); } catch (IOException) { }
            Note($"{Description}: could not trim the audio to the video's {videoSeconds:0.###} s: {child.Stderr.Quote()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await CompleteAsync(CancellationToken.None); }
        catch (ConvStreamException e) { _options.Log?.Invoke(e.Message); }
    }
}
