using ConvStream.Engine;
using ConvStream.Media.OpenCv;
using ConvStream.Pipeline.Files;
using OpenCvSharp;

namespace ConvStream.Media.Tests.OpenCv;

/// <summary>A pipeline fed Mats from the caller's own VideoCapture, handing results out as Mats, against OpenCV on the same frames.</summary>
public class MatPipelineTests
{
    private const string Pipeline = """
        {
          "stages": [
            { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 },
            { "name": "gray", "op": "gray", "input": "source" },
            { "name": "dx", "op": "sobel", "input": "gray", "dx": 1, "dy": 0, "depth": "s16" }
          ],
          "outputs": [ { "name": "blurred", "kind": "null", "stage": "blur" }, { "name": "gradient", "kind": "null", "stage": "dx" } ]
        }
        """;

    [Fact]
    public async Task CaptureMatsInResultMatsOutEqualOpenCv()
    {
        var definition = PipelineFile.Parse(Pipeline, "mats.json", ".");
        using var capture = new VideoCapture("sample.mp4");
        Assert.True(capture.IsOpened());
        using var frame = new Mat();
        var inputs = new List<Mat>();
        var blurs = new List<Mat>();
        var dxs = new List<Mat>();
        await using (var run = MatPipeline.Start(definition, 640, 360, 3, (output, result, stamp) =>
        {
            Assert.Equal((int)stamp.Index, output == "blurred" ? blurs.Count : dxs.Count);
            (output == "blurred" ? blurs : dxs).Add(result.Clone()); // the Mat is lent for the call
        }))
        {
            for (int i = 0; i < 12 && capture.Read(frame); i++)
            {
                inputs.Add(frame.Clone());
                run.Write(frame); // the same Mat is refilled by the next Read: Write copied it already
            }
            var summary = await run.CompleteAsync();
            Assert.False(summary.Cancelled);
        }
        Assert.Equal(12, blurs.Count);
        Assert.Equal(12, dxs.Count);
        for (int i = 0; i < 12; i++)
        {
            using var blur = new Mat();
            using var gray = new Mat();
            using var dx = new Mat();
            Cv2.GaussianBlur(inputs[i], blur, new Size(5, 5), 0, 0, BorderTypes.Reflect101);
            Cv2.CvtColor(inputs[i], gray, ColorConversionCodes.BGR2GRAY);
            Cv2.Sobel(gray, dx, MatType.CV_16S, 1, 0, 3, 1, 0, BorderTypes.Reflect101);
            Cv2.ConvertScaleAbs(dx, dx); // outputs get what sinks show: an int16 stage by absolute value, saturated
            Assert.Equal(MatType.CV_8UC1, dxs[i].Type());
            Assert.Equal(0, Cv2.Norm(blur, blurs[i], NormTypes.INF));
            Assert.Equal(0, Cv2.Norm(dx, dxs[i], NormTypes.INF));
        }
    }

    [Fact]
    public async Task WrongMatIsRefusedNamingBothFormats()
    {
        var definition = PipelineFile.Parse(Pipeline, "mats.json", ".");
        await using var run = MatPipeline.Start(definition, 64, 48, 3, (_, _, _) => { });
        using var gray = new Mat(48, 64, MatType.CV_8UC1);
        var e = Assert.Throws<ConvStreamException>(() => run.Write(gray));
        Assert.Equal("Mat source: got a Mat of 64x48 CV_8UC1 but 64x48x3 u8 (CV_8UC3) was expected", e.Message);
        using var good = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(9));
        run.Write(good); // the run is still fine after a refused Mat
        await run.CompleteAsync();
    }

    [Fact]
    public async Task AStageErrorReachesTheWriter()
    {
        var definition = PipelineFile.Parse(Pipeline, "mats.json", ".");
        await using var run = MatPipeline.Start(definition, 64, 48, 3, (_, _, _) => throw new InvalidOperationException("receiver broke"));
        using var good = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(9));
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            for (int i = 0; i < 50; i++) run.Write(good);
            await run.CompleteAsync();
        });
        Assert.Contains("receiver broke", e.ToString());
    }
}
