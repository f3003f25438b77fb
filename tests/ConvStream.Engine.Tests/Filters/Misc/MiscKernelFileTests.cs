using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Stages;
using ConvStream.Stages.Filters;

namespace ConvStream.Engine.Tests.Filters.Misc;

/// <summary>Kernel files: every malformed shape gets one precise line naming the file and the place; shipped kernels all load and run.</summary>
public sealed class MiscKernelFileTests
{
    private static string Error(string json, string name = "k.json")
        => Assert.Throws<ConvStreamException>(() => KernelFile.Parse(json, name)).Message;

    [Theory]
    [InlineData("""{"weights": [[1,2,3],[4,5]]}""", "sharpen.json: weights row 2 has 2 values but row 1 has 3")]
    [InlineData("""{"weights": [[1,2],[3,"a"]]}""", "sharpen.json: weights row 2 value 2 is the string \"a\", not a number")]
    [InlineData("""{"weights": []}""", "sharpen.json: weights is empty")]
    [InlineData("""{"weights": [[1,2],[]]}""", "sharpen.json: weights row 2 is empty but row 1 has 2 values")]
    [InlineData("""{"weights": [[[1]]]}""", "sharpen.json: weights must be nested 2 deep (KH x KW), 4 deep (Cout x Cin x KH x KW) or 5 deep (conv3d: Cout x Cin x KT x KH x KW) but is nested 3 deep")]
    [InlineData("""{"weights": [[1,2],3]}""", "sharpen.json: weights row 2 is 3 but should be an array like weights row 1")]
    [InlineData("""{"weights": 5}""", "sharpen.json: weights must be an array of rows [[...],...] but is 5")]
    [InlineData("""{"weight": [[1]]}""", "sharpen.json: unknown key \"weight\"; expected weights, mode, scale, bias, anchor, name, description")]
    [InlineData("""{"mode": "correlate"}""", "sharpen.json: \"weights\" is missing")]
    [InlineData("""{"weights": [[1]], "mode": "flip"}""", "sharpen.json: \"mode\" must be \"correlate\" or \"convolve\" but is \"flip\"")]
    [InlineData("""{"weights": [[1]], "scale": "2"}""", "sharpen.json: \"scale\" must be a number but is \"2\"")]
    [InlineData("""{"weights": [[1,2]], "anchor": [2,0]}""", "sharpen.json: \"anchor\" [2, 0] must be whole numbers with 0 <= x < 2 and 0 <= y < 1")]
    [InlineData("""{"weights": [[1]], "bias": [1,2]}""", "sharpen.json: \"bias\" must be a number but is [1,2]")]
    [InlineData("""{"weights": [[1,2],[3,4]""", "sharpen.json: not valid JSON (line 1, byte 25)")]
    [InlineData("""[1,2]""", "sharpen.json: expected a JSON object with \"weights\" but found an array")]
    public void Malformed_single_kernels_are_named_precisely(string json, string message)
        => Assert.Equal(message, Error(json, "sharpen.json"));

    [Theory]
    [InlineData("""{"weights": [[[[1]],[[2]]],[[[3]]]], "bias": [0,0]}""", "edge.json: weights[1] has 1 input channels but weights[0] has 2")]
    [InlineData("""{"weights": [[[[1,2],[3,4]],[[1,2]]]], "bias": [0]}""", "edge.json: weights[0][1] has 1 rows but weights[0][0] has 2")]
    [InlineData("""{"weights": [[[[1,2],[3,4]],[[1,2],[3]]]], "bias": [0]}""", "edge.json: weights[0][1] row 2 has 1 values but weights[0][0] row 1 has 2")]
    [InlineData("""{"weights": [[[[1]]],[[[2]]]], "bias": [0]}""", "edge.json: \"bias\" has 1 values but weights has 2 output channels")]
    [InlineData("""{"weights": [[[[1]]],[[[2]]]], "bias": 3}""", "edge.json: \"bias\" must be an array of 2 numbers (one per output channel) but is 3")]
    [InlineData("""{"weights": [[[[1]]],[[[true]]]]}""", "edge.json: weights[1][0] row 1 value 1 is true, not a number")]
    public void Malformed_multi_channel_kernels_are_named_precisely(string json, string message)
        => Assert.Equal(message, Error(json, "edge.json"));

    [Fact]
    public void Missing_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-kernel-" + Guid.NewGuid() + ".json");
        var e = Assert.Throws<ConvStreamException>(() => StageRegistry.Create($"conv:kernel={path}"));
        Assert.Equal($"stage 'conv': kernel file '{path}' not found", e.Message);
    }

    [Fact]
    public void Stage_errors_name_the_stage_and_key()
    {
        string k = Path.Combine(MiscTestSupport.KernelDir, "sharpen.json");
        Assert.Equal("stage 'conv': key 'kernel' is required", Assert.Throws<ConvStreamException>(() => StageRegistry.Create("conv")).Message);
        Assert.Equal("stage 'conv': key 'anchor': anchor '1,2' is not X;Y (two integers separated by ';')",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create(new StageSpec("conv", new Dictionary<string, string> { ["kernel"] = k, ["anchor"] = "1,2" }))).Message);
        Assert.Equal("stage 'conv': sharpen.json: anchor (3;0) lies outside the 3x3 kernel",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create($"conv:kernel={k},anchor=3;0")).Message);
        Assert.Contains("unknown key 'sigma'", Assert.Throws<ConvStreamException>(() => StageRegistry.Create($"conv:kernel={k},sigma=2")).Message);
        Assert.Equal("stage 'sobel-magnitude': key 'size' must be 3 (the fused stage is the 3x3 Sobel) but is 5",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create("sobel-magnitude:size=5")).Message);
        Assert.Equal("stage 'magnitude': key 'depth' must be u8 or f32 but is s16",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create("magnitude:depth=s16")).Message);
        Assert.Equal("stage 'maxpool': key 'stride' must be at least 1 but is 0",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create("maxpool:stride=0")).Message);
        Assert.Contains("key 'norm' must be one of l2, l1 but is 'l3'", Assert.Throws<ConvStreamException>(() => StageRegistry.Create("magnitude:norm=l3")).Message);
    }

    [Fact]
    public void Planning_errors_name_what_was_expected()
    {
        var colour = StageRegistry.Create($"conv:kernel={Path.Combine(MiscTestSupport.KernelDir, "colour-edge.json")}");
        Assert.Equal("kernel colour-edge.json expects 3 input channels (Cin) but the frame has 1",
            Assert.Throws<ConvStreamException>(() => colour.OutputFormat([new FrameFormat(8, 8, 1, PixelDepth.U8)])).Message);
        Assert.Equal("frame 1x1 is smaller than the 2x2 window",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create("maxpool").OutputFormat([new FrameFormat(1, 1, 3, PixelDepth.U8)])).Message);
        Assert.Equal("expects 3 channels (BGR) or 1 (gray, passed through) but the frame has 4",
            Assert.Throws<ConvStreamException>(() => StageRegistry.Create("gray").OutputFormat([new FrameFormat(8, 8, 4, PixelDepth.U8)])).Message);
        var mag = StageRegistry.Create("magnitude");
        Assert.Equal(2, mag.InputCount);
        Assert.Contains("dx is 8x8x1 s16 but dy is 8x8x1 f32", Assert.Throws<ConvStreamException>(() =>
            mag.OutputFormat([new FrameFormat(8, 8, 1, PixelDepth.S16), new FrameFormat(8, 8, 1, PixelDepth.F32)])).Message);
        Assert.Contains("must be s16 or f32", Assert.Throws<ConvStreamException>(() =>
            mag.OutputFormat([new FrameFormat(8, 8, 1, PixelDepth.U8), new FrameFormat(8, 8, 1, PixelDepth.U8)])).Message);
    }

    [Fact]
    public void Convolve_flips_kernel_and_anchor()
    {
        var f = KernelFile.Parse("""{"weights": [[1,2,3],[4,5,6]], "mode": "convolve", "scale": 2, "bias": 1.5, "anchor": [0,0]}""", "t.json");
        var k = f.ToKernel(null, 0.5, 2.0, null, BorderMode.Zeros);
        Assert.Equal(new float[] { 6, 5, 4, 3, 2, 1 }, k.Weights);
        Assert.Equal((2, 1), (k.AnchorX, k.AnchorY));
        Assert.Equal(3.5f, k.Bias[0]);
        var c = f.ToKernel("correlate", 1, 0, (1, 1), BorderMode.Zeros);
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, c.Weights);
        Assert.Equal((1, 1), (c.AnchorX, c.AnchorY));
    }

    [Fact]
    public void Worked_example_correlation_vs_convolution()
    {
        // DESIGN §3: image 1..16 (4x4), kernel [[1,1],[-1,-1]]: correlation gives -8 and true
        // convolution +8 wherever the kernel lies inside the image.
        var dir = Directory.CreateTempSubdirectory("convstream-k");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "k.json"), """{"weights": [[1,1],[-1,-1]]}""");
            var img = FrameConvert.FromPacked<float>(Enumerable.Range(1, 16).Select(i => (float)i).ToArray(), 4, 4, 1);
            // Anchor (0,0) puts the window at and right/below the pixel, as a "valid" correlation.
            var cor = MiscTestSupport.Run(StageRegistry.Create("conv:kernel=k.json,anchor=0;0", dir.FullName), img);
            // Convolve: anchor (1,1) of the unflipped kernel becomes (0,0) of the flipped one, so the
            // window again sits at and right/below the pixel: scipy's convolve2d 'valid' = +8.
            var con = MiscTestSupport.Run(StageRegistry.Create("conv:kernel=k.json,mode=convolve,anchor=1;1", dir.FullName), img);
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 3; x++)
                {
                    Assert.Equal(-8f, cor.Row<float>(y)[x]);
                    Assert.Equal(8f, con.Row<float>(y)[x]);
                }
        }
        finally { dir.Delete(true); }
    }

    public static IEnumerable<object[]> Shipped() => Directory.GetFiles(MiscTestSupport.KernelDir, "*.json").Order().Select(p => new object[] { Path.GetFileName(p) });

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_kernels_load_and_run(string file)
    {
        var filter = StageRegistry.Create($"conv:kernel=filters/kernels/{file}", MiscTestSupport.RepoRoot);
        var kernel = filter switch { ConvFilter c => c.Kernel, MultiChannelConvStage m => m.Kernel, _ => throw new InvalidOperationException(filter.GetType().Name) };
        var src = MiscTestSupport.RandomFrame(new Random(5), 41, 19, 3, PixelDepth.U8);
        var out1 = MiscTestSupport.Run(filter, src);
        Assert.Equal((41, 19), (out1.Width, out1.Height));
        if (kernel.PerChannel)
        {
            Assert.Equal(3, out1.Channels);
            Assert.Equal(PixelDepth.U8, out1.Depth);
            // A flat image stays flat: every shipped 2-D kernel's weights sum to 0 or 1.
            var flat = new Frame(16, 16, 3);
            flat.Bytes.Fill(100);
            var o = MiscTestSupport.Run(filter, flat);
            byte v = o.Row<byte>(8)[24];
            Assert.True(v is 0 or 100, $"{file}: a flat 100 image gives {v}");
            Assert.All(o.ToPacked(), b => Assert.Equal(v, b));
        }
        else
        {
            Assert.Equal(PixelDepth.F32, out1.Depth);
            Assert.Equal(kernel.OutChannels, out1.Channels);
        }
    }

    [Fact]
    public void All_required_kernels_are_shipped()
    {
        foreach (var name in new[] { "sharpen", "emboss", "outline", "ridge", "motion-blur", "unsharp-mask", "colour-edge" })
            Assert.True(File.Exists(Path.Combine(MiscTestSupport.KernelDir, name + ".json")), name);
        var colour = KernelFile.Load(Path.Combine(MiscTestSupport.KernelDir, "colour-edge.json"));
        Assert.True(colour.IsMultiChannel && colour.InChannels == 3, "colour-edge must take BGR");
        var motion = KernelFile.Load(Path.Combine(MiscTestSupport.KernelDir, "motion-blur.json"));
        Assert.Equal((9, 9), (motion.KH, motion.KW));
        Assert.Equal((5, 5), (KernelFile.Load(Path.Combine(MiscTestSupport.KernelDir, "unsharp-mask.json")).KH, 5));
    }
}
