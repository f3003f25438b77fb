using System.Diagnostics;
using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Media.Images;
using ConvStream.Stages;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream filter IN OUT --stage "OP[:key=value,...]" [--stage ...]</c>: applies the stages
/// in order to one image. Everything that can be checked without pixels is checked first (every
/// stage's op and keys, kernel files, the output's type and encoder options); then the image is
/// decoded (its declared size checked first) and each stage's output format and whether the output
/// file type can hold the result are planned from it, so a mistake never leaves a file behind; the
/// output is written atomically.
/// </summary>
public static class FilterCommand
{
    public const string Summary = "apply filter stages (gaussian, sobel, conv, …) to one image: JPEG, PNG, BMP, TIFF, WebP, PGM/PPM or .npy";

    public static string Help => string.Join(Environment.NewLine,
        "usage: convstream filter IN OUT --stage \"OP[:key=value,...]\" [--stage ...] [--quality Q] [--compression N] [--repeat N] [--threads N]",
        "       convstream filter --list",
        "",
        "Applies the stages in order to one image and writes the result.",
        "  IN          JPEG, PNG, BMP, TIFF, WebP, PGM/PPM (read by OpenCV's imgcodecs as cv2.imread with",
        "              IMREAD_ANYCOLOR: colour as BGR, gray as one channel, EXIF orientation applied) or .npy",
        "              (uint8 (H,W) or (H,W,C); int16/float32 too).",
        "  OUT         .npy keeps the raw result: (H,W) or (H,W,C), uint8/int16/float32 as the last stage made it;",
        "              .jpg/.png/.bmp/.tif/.webp/.pgm/.ppm hold it saturated to uint8 (round half to even, clamp to 0..255).",
        "  --quality Q JPEG/WebP quality 1..100 (WebP: 101 = lossless); default OpenCV's (JPEG 95).",
        "  --compression N  PNG zlib level 0..9.",
        "  --stage     OP[:key=value,...], e.g. gray, \"gaussian:size=5,sigma=0\", \"sobel:dx=1,dy=0,depth=s16\";",
        "              relative kernel files (conv:kernel=FILE) are found from the current folder (filters/…: else the tool's own).",
        "  --repeat N  run the stages N more times after the first and print median_ms=… min_ms=… runs=N on",
        "              stderr (as convstream op; the stages only: no decoding or encoding).",
        "  --threads N cores the engine may use (default: CONVSTREAM_THREADS or all).",
        "  --list      print the registered ops, one per line.",
        "",
        "A stage that takes a pair of frames (magnitude of dx, dy) cannot run here, where each stage takes the",
        "previous one's output: use sobel-magnitude, or a pipeline file that names both inputs.");

    public static int Run(string[] args)
    {
        var a = new ArgReader(args, "filter", "--list");
        if (a.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        if (a.Flag("--list"))
        {
            a.EnsureAllUsed();
            foreach (var op in StageRegistry.FilterOps) Console.Out.WriteLine(op);
            return 0;
        }
        string input = a.Positional("an input image IN");
        string output = a.Positional("an output image OUT");
        var specs = a.All("--stage");
        string? repeatText = a.Optional("--repeat");
        string? qualityText = a.Optional("--quality");
        string? compressionText = a.Optional("--compression");
        string? threadsText = a.Optional("--threads");
        a.EnsureAllUsed();
        if (specs.Count == 0)
            throw new UsageException("filter needs at least one --stage \"OP[:key=value,...]\" (convstream filter --list shows the ops)");
        int repeat = repeatText is null ? 0 : PositiveInt("--repeat", repeatText);
        var settings = threadsText is null ? ExecutionSettings.Default : ExecutionSettings.Default with { Threads = PositiveInt("--threads", threadsText) };
        var writeOptions = new ImageWriteOptions
        {
            Quality = qualityText is null ? null : PositiveInt("--quality", qualityText),
            PngCompression = compressionText is null ? null : NonNegativeInt("--compression", compressionText),
        };

        // 1. Every stage, before any work: op names, keys and values, kernel files; the output's type and options.
        ImageFile.CheckExtension(output);
        ImageFile.CheckOptions(output, writeOptions);
        var (filters, contexts) = CreateStages(specs, settings);

        // 2. Decode (the declared size is checked first), then plan: each stage's output format, and
        //    whether OUT can hold the last. An image's channels and orientation are known only once decoded.
        var frames = new Frame[filters.Length + 1];
        frames[0] = ImageFile.Read(input);
        var formats = new FrameFormat[filters.Length + 1];
        formats[0] = FrameFormat.Of(frames[0]);
        for (int i = 0; i < filters.Length; i++)
        {
            // A stage says what does not fit; which stage it is, is said here.
            try { formats[i + 1] = filters[i].OutputFormat([formats[i]]); }
            catch (ConvStreamException e) { throw new ConvStreamException($"{contexts[i]}: {e.Message}", e); }
        }
        ImageFile.CheckWritable(output, formats[^1]);

        // 3. Allocate every stage's output once, run, write.
        for (int i = 1; i < frames.Length; i++) frames[i] = formats[i].Allocate();

        RunStages(filters, frames);
        if (repeat > 0)
        {
            var ms = new double[repeat];
            for (int r = 0; r < repeat; r++)
            {
                long start = Stopwatch.GetTimestamp();
                RunStages(filters, frames);
                ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(ms);
            double median = repeat % 2 == 1 ? ms[repeat / 2] : (ms[repeat / 2 - 1] + ms[repeat / 2]) / 2;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms={median:0.0000} min_ms={ms[0]:0.0000} runs={repeat}"));
        }
        ImageFile.Write(output, frames[^1], writeOptions);
        return 0;
    }

    /// <summary>Every stage's filter, and how errors name it ("stage 'gray'", or "stage 2 'gray'" when there are several).</summary>
    private static (IFrameFilter[] Filters, string[] Contexts) CreateStages(IReadOnlyList<string> specs, ExecutionSettings settings)
    {
        string cwd = Directory.GetCurrentDirectory();
        var filters = new IFrameFilter[specs.Count];
        var contexts = new string[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            var parsed = StageSpec.Parse(specs[i], cwd, settings);
            // Name the stage by position too: two stages of one op are told apart. A kernel file
            // under filters/ that is not in the current folder may be one the tool ships.
            var spec = new StageSpec(parsed.Op, ShippedFiles.ResolveKeys(parsed.Keys), cwd,
                specs.Count == 1 ? null : $"stage {i + 1} '{parsed.Op}'", settings);
            var filter = StageRegistry.CreateFilter(spec);
            if (filter.InputCount != 1)
                throw new ConvStreamException($"{spec.Context} takes {filter.InputCount} frames (a dx/dy pair) but each stage of 'filter' gets only the previous one's output; use sobel-magnitude, or a pipeline file that names both inputs");
            filters[i] = filter;
            contexts[i] = spec.Context;
        }
        return (filters, contexts);
    }

    private static void RunStages(IFrameFilter[] filters, Frame[] frames)
    {
        for (int i = 0; i < filters.Length; i++)
            filters[i].Apply(new ReadOnlySpan<Frame>(in frames[i]), frames[i + 1]);
    }

    private static int NonNegativeInt(string option, string text)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0
            ? v : throw new UsageException($"option {option} '{text}' must be a non-negative integer");

    private static int PositiveInt(string option, string text)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new UsageException($"option {option} '{text}' must be a positive integer");
}
