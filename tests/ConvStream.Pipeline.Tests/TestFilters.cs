using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Stages;

namespace ConvStream.Pipeline.Tests;

/// <summary>Small, obviously correct 8-bit filters that exercise the runtime without the engine's video filters.</summary>
internal static class TestFilters
{
    public static readonly IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>> Ops = new Dictionary<string, Func<StageSpec, IFrameFilter>>
    {
        ["add"] = s => new Add(s.Int("value", 1)),
        ["test-gray"] = _ => new Gray(),
        ["half"] = _ => new Half(),
        ["sum2"] = _ => new Sum2(),
        ["slow"] = s => new Slow(s.Int("ms", 10)),
        ["fail"] = s => new Fail(s.Int("at", 0)),
    };

    public static FrameFormat Same(ReadOnlySpan<FrameFormat> inputs, string op)
    {
        if (inputs[0].Depth != PixelDepth.U8) throw new ConvStreamException($"{op} needs u8 input but got {inputs[0]}");
        return inputs[0];
    }

    /// <summary>Saturating add of a constant.</summary>
    public sealed class Add(int value) : IFrameFilter
    {
        public string Op => "add";
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => Same(inputs, Op);
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            for (int y = 0; y < output.Height; y++)
            {
                var s = inputs[0].Row<byte>(y); var d = output.Row<byte>(y);
                for (int i = 0; i < d.Length; i++) d[i] = (byte)Math.Clamp(s[i] + value, 0, 255);
            }
        }
    }

    /// <summary>OpenCV's BGR → gray.</summary>
    public sealed class Gray : IFrameFilter
    {
        public string Op => "test-gray";
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
        {
            if (inputs[0].Channels != 3) throw new ConvStreamException($"test-gray needs 3 channels but got {inputs[0].Channels}");
            return inputs[0] with { Channels = 1 };
        }
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            for (int y = 0; y < output.Height; y++)
            {
                var s = inputs[0].Row<byte>(y); var d = output.Row<byte>(y);
                for (int x = 0; x < d.Length; x++)
                    d[x] = (byte)((9798 * s[3 * x + 2] + 19235 * s[3 * x + 1] + 3735 * s[3 * x] + (1 << 14)) >> 15);
            }
        }
    }

    /// <summary>2×2 average (rounding half up): halves the size.</summary>
    public sealed class Half : IFrameFilter
    {
        public string Op => "half";
        public (int KH, int KW, int Stride) Footprint => (2, 2, 2);
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => Same(inputs, Op) with { Width = inputs[0].Width / 2, Height = inputs[0].Height / 2 };
        public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels * 4;
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            int c = output.Channels;
            for (int y = 0; y < output.Height; y++)
            {
                var a = inputs[0].Row<byte>(2 * y); var b = inputs[0].Row<byte>(2 * y + 1); var d = output.Row<byte>(y);
                for (int x = 0; x < output.Width; x++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        int i = 2 * x * c + ch;
                        d[x * c + ch] = (byte)((a[i] + a[i + c] + b[i] + b[i + c] + 2) >> 2);
                    }
            }
        }
    }

    /// <summary>Saturating sum of two frames: a fan-in stage.</summary>
    public sealed class Sum2 : IFrameFilter
    {
        public string Op => "sum2";
        public int InputCount => 2;
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
        {
            if (inputs[0] != inputs[1]) throw new ConvStreamException($"sum2 needs equal formats but got {inputs[0]} and {inputs[1]}");
            return Same(inputs, Op);
        }
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            for (int y = 0; y < output.Height; y++)
            {
                var a = inputs[0].Row<byte>(y); var b = inputs[1].Row<byte>(y); var d = output.Row<byte>(y);
                for (int i = 0; i < d.Length; i++) d[i] = (byte)Math.Min(255, a[i] + b[i]);
            }
        }
    }

    /// <summary>A copy that takes <paramref name="ms"/> milliseconds: a deliberately slow stage.</summary>
    public sealed class Slow(int ms) : IFrameFilter
    {
        public string Op => "slow";
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => inputs[0];
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            Thread.Sleep(ms);
            inputs[0].CopyTo(output);
        }
    }

    /// <summary>A copy that throws on its call number <paramref name="at"/> (0-based; in a pipeline, call 0 is the runner's warm-up).</summary>
    public sealed class Fail(int at) : IFrameFilter
    {
        private int _calls;
        public string Op => "fail";
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => inputs[0];
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            if (_calls++ == at) throw new InvalidOperationException($"deliberate failure at frame {at}");
            inputs[0].CopyTo(output);
        }
    }
}
