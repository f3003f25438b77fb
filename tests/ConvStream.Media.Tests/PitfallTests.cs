using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;
using Xunit.Abstractions;

namespace ConvStream.Media.Tests;

public sealed class PitfallTests(ITestOutputHelper output)
{
    /// <summary>A stream that hands out at most a few bytes per read, as a busy pipe does.</summary>
    private sealed class TrickleStream(byte[] data, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private int _position;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, _random.Next(1, 8)), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(64, 8, 3)]   // 192-byte rows: no padding, read straight into the frame
    [InlineData(37, 5, 3)]   // 111-byte rows: padded to 128, read packed then copied
    [InlineData(37, 5, 1)]   // gray from BGR
    public void ShortReadsAreLoopedOverAndAPartialLastFrameIsReported(int width, int height, int channels)
    {
        int frameBytes = width * height * 3;
        var data = new byte[frameBytes * 2 + frameBytes / 3];
        new Random(7).NextBytes(data);
        var reader = new RawFrameReader(width, height);
        var stream = new TrickleStream(data, 11);
        var frame = new Frame(width, height, channels);
        for (int f = 0; f < 2; f++)
        {
            Assert.Equal(frameBytes, reader.Read(stream, frame));
            for (int y = 0; y < height; y++)
            {
                var packed = data.AsSpan(f * frameBytes + y * width * 3, width * 3);
                if (channels == 3) Assert.True(packed.SequenceEqual(frame.RowSpan(y)), $"frame {f} row {y}");
                else for (int x = 0; x < width; x++)
                        Assert.Equal((byte)((3735 * packed[3 * x] + 19235 * packed[3 * x + 1] + 9798 * packed[3 * x + 2] + 16384) >> 15), frame.RowSpan(y)[x]);
            }
        }
        Assert.Equal(frameBytes / 3, reader.Read(stream, frame));
    }

    [Fact]
    public async Task APartialLastFrameFromAProcessIsAClearErrorAfterTheWholeFrames()
    {
        if (!OperatingSystem.IsLinux()) return;
        // 2.5 frames of 160x120 bgr24 through a real pipe (short reads of whatever the pipe holds).
        int frameBytes = 160 * 120 * 3;
        var child = ChildProcess.Start("/bin/sh", ["-c", $"head -c {frameBytes * 5 / 2} /dev/zero"], "test writer", false, true);
        await using var source = new FfmpegPipeSource(child, new VideoInfo { Width = 160, Height = 120, Channels = 3 }, "half.raw");
        var frame = new Frame(160, 120, 3);
        Assert.NotNull(await source.ReadAsync(frame, CancellationToken.None));
        Assert.NotNull(await source.ReadAsync(frame, CancellationToken.None));
        var e = await Assert.ThrowsAsync<ConvStreamException>(async () => await source.ReadAsync(frame, CancellationToken.None));
        output.WriteLine(e.Message);
        Assert.Contains("half.raw: the stream ended in the middle of frame 2 (28800 of 57600 bytes); ffmpeg (process ", e.Message);
    }

    [Fact]
    public async Task StderrIsDrainedContinuouslyAndItsTailKept()
    {
        // At debug level ffmpeg prints about one line per frame: far more than a 64 KiB stderr pipe holds. If
        // stderr were not drained, ffmpeg would block on it and this read would hang.
        await using var source = (FfmpegPipeSource)TestSource.Open(new TestSourceOptions { Width = 64, Height = 48, FrameCount = 3000, LogLevel = "debug" });
        var frame = new Frame(64, 48, 3);
        var read = Task.Run(async () => { int n = 0; while (await source.ReadAsync(frame, CancellationToken.None) is not null) n++; return n; });
        var done = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(read, done);
        Assert.Equal(3000, await read);
        output.WriteLine($"stderr lines: {source.Log.TotalLines} ({source.Log.TotalChars} chars); kept {source.Log.Lines().Count}");
        Assert.True(source.Log.TotalChars > 2 * 65536, $"only {source.Log.TotalChars} characters on stderr: the flood this test relies on did not happen");
        Assert.Equal(source.Log.Capacity, source.Log.Lines().Count);
    }

    [Fact]
    public async Task PipesAreEnlargedToOneMebibyteOnLinux()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var source = (FfmpegPipeSource)TestSource.Open(new TestSourceOptions { Width = 64, Height = 48, FrameCount = 2 });
        int max = int.Parse(File.ReadAllText("/proc/sys/fs/pipe-max-size").Trim());
        Assert.Equal(Math.Min(max, 1 << 20), source.PipeSize);
    }

    [Fact]
    public void StderrTailKeepsTheLastLinesInOrder()
    {
        var tail = new StderrTail(3);
        foreach (var l in new[] { "a", "b", "c", "d", "e" }) tail.Add(l);
        Assert.Equal(["c", "d", "e"], tail.Lines());
        Assert.Equal("d | e", tail.Quote(2));
        Assert.Equal(5, tail.TotalLines);
    }
}
