using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Simd;
using ConvStream.Stages;
using OpenCvSharp;
using static ConvStream.Engine.Tests.Filters.OpenCvProperties.OpenCvOracle;

namespace ConvStream.Engine.Tests.Filters.OpenCvProperties;

/// <summary>
/// The box filter's running column sum (OpenCV's ColumnSum), beyond the sizes the property test
/// draws: every sum its 16-bit division can meet, and large boxes against OpenCV at every SIMD
/// level and thread count (a band starts its running sum afresh, so band edges are checked too).
/// </summary>
public sealed unsafe class BoxRunningSumTests
{
    [Fact]
    public void WordDivisionEqualsBoxDivisionForEverySumOfEveryArea()
    {
        foreach (var level in Engine.Simd.Simd.Supported)
            for (int k = 2; k <= 16; k++)
            {
                var division = new BoxDivision(k * k);
                int count = 255 * k * k + 1;
                // newest = every possible sum once, running sum and oldest row zero.
                var newest = new ushort[count];
                for (int s = 0; s < count; s++) newest[s] = (ushort)s;
                var running = new ushort[count];
                var oldest = new ushort[count];
                var got = new byte[count];
                var expected = new byte[count];
                for (int s = 0; s < count; s++) division.ConvertOne(s, expected, s);
                fixed (ushort* pn = newest, pr = running, po = oldest)
                fixed (byte* pg = got)
                    SeparablePasses.BoxColumn(pn, po, pr, pg, count, division, level);
                for (int s = 0; s < count; s++)
                    Assert.True(got[s] == expected[s], $"{k}x{k} at {level}: sum {s} gives {got[s]}, expected {expected[s]}");
                // The running sum moved on by newest − oldest.
                Assert.Equal(newest, running);
            }
    }

    [Theory]
    [InlineData(10, false), InlineData(15, false), InlineData(16, false), InlineData(16, true), InlineData(17, true), InlineData(31, true), InlineData(64, true)]
    public void LargeBoxesAreOpenCvsAtEveryLevelAndThreadCount(int k, bool unnormalized)
    {
        var rng = new Random(k);
        foreach (var border in Borders)
        {
            if (border == BorderMode.Circular) continue; // wrapped by hand in FilterPropertyTests; the running sum does not see borders
            int w = 40 + rng.Next(90), h = 70 + rng.Next(60), c = new[] { 1, 3, 4 }[rng.Next(3)];
            var input = RandomFrame(w, h, c, seed: k * 31 + (int)border);
            using var src = View(input);
            using var expected = new Mat();
            Cv2.BoxFilter(src, expected, unnormalized ? MatType.CV_16S : MatType.CV_8U, new Size(k, k), new Point(-1, -1), !unnormalized, ToOpenCv(border));
            string spec = $"box:size={k}{(unnormalized ? ",normalize=false,depth=s16" : "")},border={Name(border)}";
            foreach (var level in Engine.Simd.Simd.Supported)
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var filter = StageRegistry.Create(spec, settings: new ExecutionSettings { Level = level, Threads = threads });
                    AssertClose(expected, Run(filter, input), $"{spec} on {w}x{h}x{c} at {level}, {threads} thread(s)");
                }
        }
    }
}
