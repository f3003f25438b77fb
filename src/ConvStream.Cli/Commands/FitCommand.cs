using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Stages;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Engine.Simd;
using ConvStream.Media.Images;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream fit --input BEFORE --target AFTER --kernel KHxKW --output KERNEL.json</c>: learns the
/// kernel that turns BEFORE into AFTER and writes it as a kernel file a <c>conv</c> stage runs
/// unchanged. The math is the Engine's (<see cref="KernelFitter"/>); this command reads the pair,
/// checks every option before any pixel is read, runs the written file through the real
/// <c>conv</c> stage to measure the fit, and writes the file only when all of that succeeded.
/// </summary>
public static class FitCommand
{
    public const string Summary = "learn a convolution kernel from a before/after pair; write it as a kernel file";

    public static string Help => string.Join(Environment.NewLine,
        "usage: convstream fit --input BEFORE --target AFTER --kernel KHxKW --output KERNEL.json",
        "                      [--mode correlate|convolve] [--channels per-channel|full] [--bias]",
        "                      [--border reflect|replicate|zeros|symmetric|circular]",
        "                      [--method auto|lstsq|adam] [--steps N] [--lr LR] [--l2 LAMBDA]",
        "                      [--holdout BEFORE2,AFTER2] [--plot LOSS.png] [--frames N] [--threads N]",
        "",
        "Finds the kernel K with conv(BEFORE, K) ≈ AFTER and writes it in the conv stage's kernel-file format:",
        "  convstream filter BEFORE OUT --stage \"conv:kernel=KERNEL.json\" reproduces AFTER.",
        "  --input, --target  two images of the same size (JPEG, PNG, BMP, TIFF, WebP, PGM/PPM, .npy uint8/int16/float32,",
        "                     (H,W) or (H,W,C)),",
        "                     or two videos of the same length and frame rate (then --frames N pairs are sampled).",
        "                     On an 8-bit target, samples at 0 or 255 may be clipped and are left out of the fit.",
        "  --kernel KHxKW     the kernel's size, e.g. 5x5 or 3x7 (odd or even; anchor as filter2D: (KW/2, KH/2)).",
        "  --mode             correlate (default, as filter2D) or convolve: the file holds the rotated kernel and",
        "                     \"mode\": \"convolve\"; either way the conv stage reproduces AFTER.",
        "  --channels         per-channel (default): one 2-D kernel for every channel; full: a Cin → Cout kernel",
        "                     weights[Cout][Cin][KH][KW] (a colour mix; AFTER may then have other channels, e.g. gray).",
        "  --bias             fit a constant per output channel too (the file's \"bias\").",
        "  --border           how samples outside the frame are taken (default reflect, the conv stage's default).",
        "  --method           lstsq: exact least squares (normal equations, Cholesky); adam: gradient descent on the",
        "                     engine's conv2d backward; auto (default): lstsq up to 512 unknowns, else adam.",
        "  --steps N, --lr LR Adam's steps (default 500) and learning rate (default 0.2, cosine-decayed to 0).",
        "  --l2 LAMBDA        L2 penalty on the taps: loss = mean squared error + LAMBDA·Σw² (default 0).",
        "  --holdout B2,A2    another before/after pair to measure the learned kernel on (not used to fit).",
        "  --plot LOSS.png    draw Adam's loss curve.",
        "  --frames N         frame pairs to sample from two videos (default 8).",
        "  --threads N        cores to use (default: CONVSTREAM_THREADS or all).",
        "",
        "Refused with one line and exit 1 (no file written): different sizes or channel counts, a kernel larger than",
        "the image, NaN/infinity, videos of different lengths or frame rates, and an input without enough texture to",
        "determine the kernel (a flat image, a single stripe), found from the rank and condition of the problem.");

    /// <summary>Frame pairs sampled from two videos when --frames is not given.</summary>
    private const int DefaultFrames = 8;

    private sealed record Request(
        string Before, string After, string Output, int KH, int KW, bool Convolve, FitChannels Channels, bool Bias,
        BorderMode Border, FitMethod Method, AdamOptions Adam, double L2, (string Before, string After)? Holdout,
        string? Plot, int? Frames, int Threads);

    public static int Run(string[] args)
    {
        var a = new ArgReader(args, "fit", "--bias");
        if (a.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        var r = Parse(a);
        // SIGINT, SIGTERM and SIGHUP stop the fit between steps (or bands of rows), as they stop a
        // run; nothing has been written yet, so nothing is left behind. Exit 128 + the signal.
        using var signals = new RunSignals(_ => { });
        try { return Execute(r, Console.Out, signals.Stopping); }
        catch (OperationCanceledException) when (signals.First is not null)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"convstream fit: interrupted by {RunSignals.Name(signals.First)}; no kernel file written");
            return signals.ExitCode;
        }
    }

    private static Request Parse(ArgReader a)
    {
        string input = a.Required("--input");
        string target = a.Required("--target");
        string output = a.Required("--output");
        var (kh, kw) = KernelSize(a.Required("--kernel"));
        string mode = Choice(a, "--mode", "correlate", "correlate", "convolve");
        string channels = Choice(a, "--channels", "per-channel", "per-channel", "full");
        bool bias = a.Flag("--bias");
        string? borderText = a.Optional("--border");
        BorderMode border;
        try { border = borderText is null ? BorderMode.Reflect : BorderModes.Parse(borderText, "--border"); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        var method = Choice(a, "--method", "auto", "auto", "lstsq", "adam") switch
        {
            "lstsq" => FitMethod.LeastSquares,
            "adam" => FitMethod.Adam,
            _ => FitMethod.Auto,
        };
        int steps = a.Int("--steps", 500);
        double lr = a.Double("--lr", 0.2);
        double l2 = a.Double("--l2", 0);
        string? holdoutText = a.Optional("--holdout");
        string? plot = a.Optional("--plot");
        int? frames = a.Optional("--frames") is null ? null : a.Int("--frames", 8);
        int threads = a.Int("--threads", Threads.Default);
        a.EnsureAllUsed();

        if (steps < 1) throw new UsageException($"option --steps '{steps}' must be a positive integer");
        if (!(lr > 0) || !double.IsFinite(lr)) throw new UsageException($"option --lr '{lr.ToString(CultureInfo.InvariantCulture)}' must be a positive number");
        if (!(l2 >= 0) || !double.IsFinite(l2)) throw new UsageException($"option --l2 '{l2.ToString(CultureInfo.InvariantCulture)}' must be a number ≥ 0");
        if (frames is < 1) throw new UsageException($"option --frames '{frames}' must be a positive integer");
        if (threads < 1) throw new UsageException($"option --threads '{threads}' must be a positive integer");
        if (!output.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--output '{output}' must be a .json kernel file");
        if (plot is not null) Plots.PlotFile.Check(plot, "--plot", [".png"]);
        (string, string)? holdout = null;
        if (holdoutText is not null)
        {
            var parts = holdoutText.Split(',');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new UsageException($"option --holdout '{holdoutText}' must be BEFORE,AFTER (two files separated by a comma)");
            holdout = (parts[0], parts[1]);
        }
        return new Request(input, target, output, kh, kw, mode == "convolve", channels == "full" ? FitChannels.Full : FitChannels.PerChannel,
            bias, border, method, new AdamOptions { Steps = steps, LearningRate = lr }, l2, holdout, plot, frames, threads);
    }

    private static int Execute(Request r, TextWriter stdout, CancellationToken cancel)
    {
        // Output folders exist before any work, so a typo there costs no fitting.
        CheckFolder(r.Output, "--output");

        // The anchor the written file will have: filter2D's (KW/2, KH/2) in the file's coordinates,
        // which for a convolve file are the rotated ones.
        var model = r.Convolve
            ? new KernelModel(r.KH, r.KW, r.KW - 1 - r.KW / 2, r.KH - 1 - r.KH / 2, r.Border, r.Channels, r.Bias)
            : new KernelModel(r.KH, r.KW, r.KW / 2, r.KH / 2, r.Border, r.Channels, r.Bias);
        bool full = r.Channels == FitChannels.Full;
        if (r.Frames is not null && FitPairs.IsImage(r.Before) && FitPairs.IsImage(r.After))
            throw new UsageException("--frames samples frame pairs from two videos, but --input and --target are images");
        var loaded = FitPairs.Read(r.Before, r.After, r.Frames ?? DefaultFrames, cancel);
        var pairs = FitPairs.ToPairs(loaded, r.Before, r.After, full);
        var design = FitDesign.Create(pairs, model);
        var method = KernelFitter.Resolve(r.Method, design.Unknowns);
        if (r.Plot is not null && method != FitMethod.Adam)
            throw new UsageException("--plot draws Adam's loss curve; least squares solves in one step (add --method adam)");

        // The holdout is read and checked before the fit, so its mistakes cost no fitting either.
        List<(Frame Before, Frame After)>? holdout = null;
        if (r.Holdout is var (hb, ha))
        {
            var h = FitPairs.Read(hb, ha, r.Frames ?? DefaultFrames, cancel);
            var check = FitPairs.ToPairs(h, hb, ha, full);
            if (check[0].InputChannels != pairs[0].InputChannels || check[0].OutputChannels != pairs[0].OutputChannels)
                throw new ConvStreamException($"{hb}: the holdout pair has {check[0].InputChannels} → {check[0].OutputChannels} channels but the fit has {pairs[0].InputChannels} → {pairs[0].OutputChannels}");
            holdout = h.Frames.ToList();
        }

        var settings = ExecutionSettings.Default with { Threads = r.Threads };
        var options = new KernelFitOptions { Method = method, L2 = r.L2, Adam = r.Adam, Settings = settings };
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var fit = Display.FitProgressView.Run(progress => KernelFitter.Fit(design, options, progress, cancel));
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Measure the fit the way it will be used: the file's text, parsed and run by the conv stage.
        var targetDepth = loaded.Frames[0].After.Depth;
        string name = Path.GetFileNameWithoutExtension(r.Output);
        string draft = FittedKernelFile.ToJson(fit, r.Convolve, name, "");
        var onPair = Measure(draft, r, loaded.Frames, targetDepth);
        var onHoldout = holdout is null ? null : Measure(draft, r, holdout, targetDepth);

        string what = $"{r.KH}×{r.KW} {(full ? $"{fit.Inputs}→{fit.Outputs}" : "per-channel")} kernel";
        string description = FormattableString.Invariant(
            $"fitted by convstream fit ({MethodName(fit.Method)}) to {Path.GetFileName(r.Before)} → {Path.GetFileName(r.After)}: {what}, border {r.Border.Name()}{(r.Bias ? ", with bias" : "")}; ")
            + FormattableString.Invariant($"on the pair PSNR {Db(onPair.Psnr)} dB, max error {onPair.MaxError:G4}")
            + (onHoldout is null ? "" : FormattableString.Invariant($"; on the holdout PSNR {Db(onHoldout.Psnr)} dB, max error {onHoldout.MaxError:G4}"));
        string json = FittedKernelFile.ToJson(fit, r.Convolve, name, description);
        KernelFile.Parse(json, Path.GetFileName(r.Output));   // the stage must read what we write

        string? plotWarning = null;
        if (r.Plot is not null)
            plotWarning = Plots.LossPlot.Write(r.Plot, fit.LossCurve, LeastSquaresLoss(design, options, fit), $"convstream fit: {what}");
        AtomicFile.Write(r.Output, s => s.Write(System.Text.Encoding.UTF8.GetBytes(json)));

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fitted a {what} ({(r.Convolve ? "convolve" : "correlate")}, border {r.Border.Name()}{(r.Bias ? ", bias" : "")}) by {MethodName(fit.Method)} in {seconds:F2} s on {loaded.Description}"));
        stdout.WriteLine(fit.Condition is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"  condition {c.Condition:0.00e0} (of the normal equations scaled to a unit diagonal; rank {c.Rank} of {c.Unknowns}){(c.Condition > 1e7 ? ": weakly determined, the kernel may not carry over to other images" : "")}")
            : $"  condition not computed ({design.Unknowns} unknowns per output: too many for the normal equations)");
        stdout.WriteLine(Line("pair", onPair, targetDepth));
        if (onHoldout is not null) stdout.WriteLine(Line("holdout", onHoldout, targetDepth));
        if (r.Plot is not null) stdout.WriteLine($"  wrote the loss curve to {r.Plot}{(plotWarning is null ? "" : $" ({plotWarning})")}");
        stdout.WriteLine($"wrote {r.Output}; run it with --stage \"{StageText(r, loaded.Frames[0], targetDepth)}\"");
        return 0;
    }

    private static FitQuality Measure(string json, Request r, IReadOnlyList<(Frame Before, Frame After)> frames, PixelDepth depth)
    {
        var kernel = KernelFile.Parse(json, Path.GetFileName(r.Output)).ToKernel(null, 1, 0, null, r.Border);
        // The conv stage's own choice of engine (per-channel filter2D or conv2d for a multi-channel kernel).
        var stage = ConvStream.Stages.Filters.ConvStage.Build(kernel, depth, Path.GetFileName(r.Output), ExecutionSettings.Default with { Threads = r.Threads });
        double sse = 0, max = 0, peak = 0;
        foreach (var (before, after) in frames)
        {
            var output = stage.OutputFormat([Engine.Filters.FrameFormat.Of(before)]).Allocate();
            stage.Apply([before], output);
            var q = FitQuality.Compare(output, after);
            sse += q.Rmse * q.Rmse;
            max = Math.Max(max, q.MaxError);
            peak = Math.Max(peak, q.Peak);
        }
        double mse = sse / frames.Count;
        return new FitQuality(Math.Sqrt(mse), max, mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse), peak);
    }

    /// <summary>The optimum for the plot's reference line, when the equations were small enough to solve.</summary>
    private static double? LeastSquaresLoss(FitDesign design, KernelFitOptions options, FittedKernel adam)
    {
        if (adam.Condition is null) return null;
        return KernelFitter.Fit(design, options with { Method = FitMethod.LeastSquares }).Loss;
    }

    private static string StageText(Request r, (Frame Before, Frame After) pair, PixelDepth targetDepth)
    {
        var keys = new List<string> { $"kernel={r.Output}" };
        // The conv stage keeps the input's depth for a 2-D kernel and writes f32 for a multi-channel one.
        var stageDepth = r.Channels == FitChannels.Full ? PixelDepth.F32 : pair.Before.Depth;
        if (stageDepth != targetDepth) keys.Add($"depth={targetDepth.Name()}");
        if (r.Border != BorderMode.Reflect) keys.Add($"border={r.Border.Name()}");
        return "conv:" + string.Join(",", keys);
    }

    private static string Line(string what, FitQuality q, PixelDepth depth)
        => string.Create(CultureInfo.InvariantCulture,
            $"  {what + ":",-9} PSNR {Db(q.Psnr)} dB (peak {q.Peak:G4}), max error {q.MaxError:G4}, RMSE {q.Rmse:G4}{(depth == PixelDepth.U8 ? " (8-bit levels)" : "")}");

    private static string Db(double psnr) => double.IsPositiveInfinity(psnr) ? "∞" : psnr.ToString("F2", CultureInfo.InvariantCulture);

    private static string MethodName(FitMethod m) => m == FitMethod.Adam ? "Adam" : "least squares";

    private static void CheckFolder(string path, string option)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir))
            throw new ConvStreamException($"{option} {path}: folder {dir} does not exist");
    }

    private static (int KH, int KW) KernelSize(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x', '×');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int kh)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int kw)
            && kh is >= 1 and <= 99 && kw is >= 1 and <= 99)
            return (kh, kw);
        throw new UsageException($"option --kernel '{text}' must be KHxKW with sizes from 1 to 99, e.g. 5x5 or 3x7");
    }

    private static string Choice(ArgReader a, string option, string fallback, params string[] allowed)
    {
        string value = (a.Optional(option) ?? fallback).Trim().ToLowerInvariant();
        return Array.IndexOf(allowed, value) >= 0 ? value
            : throw new UsageException($"option {option} '{value}' must be one of {string.Join(", ", allowed)}");
    }
}
