using System.Diagnostics;
using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Cli.Commands;

/// <summary>
/// What the <c>op</c> verbs share: reading tensors, the geometry options with messages that name
/// the option (<c>--stride 0: stride must be positive</c>), output paths checked before any work,
/// and <c>--repeat</c> timing. Range checks live here as well as in the engine so the user hears
/// about the option they typed, not about an engine field.
/// </summary>
internal static class OpOptions
{
    /// <summary>
    /// Every flag any op has. Each op's reader knows them all, so a flag given to the wrong op is
    /// reported as "unknown option --flip for conv-transpose2d", not as a flag missing its value.
    /// </summary>
    public static readonly string[] Flags = ["--flip", "--relu", "--ceil-mode", "--exclude-pad"];

    /// <summary>Reads a .npy tensor of any supported dtype as float32; errors name the file.</summary>
    public static Tensor Read(string option, string path)
    {
        // The OS reports reading a folder as "access denied", which would send the user hunting for permissions.
        if (Directory.Exists(path)) throw new ConvStreamException($"{option} {path}: is a folder, expected a .npy file");
        return Npy.ReadTensor(path);
    }

    /// <summary>A per-axis integer option (N or H,W) that must be at least <paramref name="minimum"/>.</summary>
    public static Size2 Pair(ArgReader args, string option, Size2 fallback, int minimum, string what)
    {
        string? text = args.Optional(option);
        if (text is null) return fallback;
        var value = ParsePair(text, option);
        CheckAtLeast(option, text, value, minimum, what);
        return value;
    }

    /// <summary>Like <see cref="Pair"/> but absent stays absent (pool stride defaults to the kernel).</summary>
    public static Size2? OptionalPair(ArgReader args, string option, int minimum, string what)
    {
        string? text = args.Optional(option);
        if (text is null) return null;
        var value = ParsePair(text, option);
        CheckAtLeast(option, text, value, minimum, what);
        return value;
    }

    /// <summary>conv2d's padding: valid | same | full | P | PH,PW | T,B,L,R, never negative.</summary>
    public static Padding ConvPadding(ArgReader args)
    {
        string? text = args.Optional("--padding");
        if (text is null) return Padding.Valid;
        Padding p;
        try { p = Padding.Parse(text, "--padding"); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        if (p.Top < 0 || p.Bottom < 0 || p.Left < 0 || p.Right < 0)
            throw new ConvStreamException($"--padding {text}: padding must not be negative");
        return p;
    }

    public static int Groups(ArgReader args)
    {
        int g = args.Int("--groups", 1);
        if (g <= 0) throw new ConvStreamException($"--groups {g}: groups must be positive");
        return g;
    }

    public static BorderMode Border(ArgReader args)
    {
        string? text = args.Optional("--border");
        return text is null ? BorderMode.Zeros : BorderModes.Parse(text, "--border");
    }

    /// <summary><c>--repeat N</c>: how many timed runs follow the first (0 = none, no timing line).</summary>
    public static int Repeat(ArgReader args)
    {
        int n = args.Int("--repeat", 0);
        if (n < 0) throw new UsageException($"--repeat {n}: repeat must be 0 or more");
        return n;
    }

    /// <summary>
    /// An output path, checked before the (possibly long) computation: its folder must exist and
    /// the path must not be a folder. The write itself is atomic (temporary name, then rename).
    /// </summary>
    public static string OutputPath(ArgReader args, string option)
    {
        string path = args.Required(option);
        if (path.Length == 0) throw new UsageException($"{option} needs a file name");
        if (Directory.Exists(path)) throw new ConvStreamException($"{option} {path}: is a folder, expected a .npy file name");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir))
            throw new ConvStreamException($"{option} {path}: output folder {dir} does not exist");
        return path;
    }

    /// <summary>
    /// Runs <paramref name="op"/> once for the result, then <paramref name="repeat"/> more times,
    /// timing the compute alone, and prints <c>median_ms=… min_ms=… runs=N</c> on stderr.
    /// </summary>
    public static T Run<T>(int repeat, Func<T> op) => Run(repeat, op, _ => op());

    /// <summary>
    /// As <see cref="Run{T}(int, Func{T})"/>, but the timed runs write into the first run's result
    /// (<paramref name="again"/>), as a video stage does every frame: the figure is the compute,
    /// not the page faults of a fresh output (~20 ms per 6 MB here).
    /// </summary>
    public static T Run<T>(int repeat, Func<T> op, Action<T> again)
    {
        T result = op();
        if (repeat <= 0) return result;
        var ms = new double[repeat];
        for (int i = 0; i < repeat; i++)
        {
            long start = Stopwatch.GetTimestamp();
            again(result);
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        double median = repeat % 2 == 1 ? ms[repeat / 2] : (ms[repeat / 2 - 1] + ms[repeat / 2]) / 2;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median_ms={median:0.0000} min_ms={ms[0]:0.0000} runs={repeat}"));
        return result;
    }

    /// <summary>
    /// Writes several outputs all or nothing: every tensor goes to a temporary file beside its
    /// target first; only when all are complete are they renamed over the targets. A failure
    /// before the renames leaves no output and no temporary file behind.
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, Tensor Tensor)> outputs)
    {
        var temps = new List<string>(outputs.Count);
        try
        {
            foreach (var (path, tensor) in outputs)
            {
                string full = Path.GetFullPath(path);
                string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".",
                    $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
                temps.Add(temp);
                Npy.Write(temp, tensor);
            }
            // Checked again just before the renames (the folders were checked before the compute):
            // a rename over a folder is the one failure left that would stop halfway.
            foreach (var (path, _) in outputs)
                if (Directory.Exists(path)) throw new ConvStreamException($"{path}: is a folder, expected a .npy file name");
            for (int i = 0; i < outputs.Count; i++)
            {
                try { File.Move(temps[i], Path.GetFullPath(outputs[i].Path), overwrite: true); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ConvStreamException($"{outputs[i].Path}: cannot write ({e.Message})", e);
                }
            }
        }
        finally
        {
            foreach (string temp in temps)
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Prints a verb's usage on stdout when asked; true means the verb is done.</summary>
    public static bool ShowHelp(ArgReader args, string usage)
    {
        if (!args.HelpRequested) return false;
        Console.Out.WriteLine(usage);
        return true;
    }

    /// <summary>Geometry options every conv2d-like verb prints in its usage.</summary>
    public const string ConvGeometryHelp =
        "  --stride S|SH,SW        step between outputs (default 1)\n" +
        "  --padding MODE          valid (default) | same | full | P | PH,PW | T,B,L,R\n" +
        "  --dilation D|DH,DW      spacing of the kernel taps (default 1)\n" +
        "  --groups G              split channels into G groups (G = channels: depthwise)\n" +
        "  --border MODE           padded samples: zeros (default) | replicate | reflect | symmetric | circular\n" +
        "  --flip                  true convolution (kernel rotated 180°, as scipy.signal.convolve2d)\n" +
        "  --relu                  apply max(0, x) to the result\n";

    public const string RepeatHelp =
        "  --repeat N              run N more times after the first; print median_ms=… min_ms=… runs=N on stderr\n";

    private static Size2 ParsePair(string text, string option)
    {
        try { return Size2.Parse(text, option); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
    }

    private static void CheckAtLeast(string option, string text, Size2 value, int minimum, string what)
    {
        if (value.H >= minimum && value.W >= minimum) return;
        string rule = minimum switch { 1 => "must be positive", 0 => "must not be negative", _ => $"must be at least {minimum}" };
        throw new ConvStreamException($"{option} {text}: {what} {rule}");
    }
}
