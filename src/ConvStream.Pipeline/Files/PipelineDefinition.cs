namespace ConvStream.Pipeline.Files;

/// <summary>
/// A pipeline file as written, checked for form (keys, types, names, references) but not yet
/// planned: the algorithm (source, stages, outputs) and, separately, its <see cref="Schedule"/>.
/// </summary>
public sealed record PipelineDefinition
{
    /// <summary>The file it came from ("filters/pipelines/demo.json"), or a label for pipelines built in code.</summary>
    public required string FilePath { get; init; }
    /// <summary>The file's name as errors quote it ("demo.json").</summary>
    public string FileName => Path.GetFileName(FilePath);
    /// <summary>Where kernel files and a relative source path are resolved from.</summary>
    public required string BaseDirectory { get; init; }
    public string? Description { get; init; }
    /// <summary>Null when the file names no source (the command line must give --input).</summary>
    public SourceDefinition? Source { get; init; }
    public required IReadOnlyList<StageDefinition> Stages { get; init; }
    public required IReadOnlyList<OutputDefinition> Outputs { get; init; }
    public required ScheduleDefinition Schedule { get; init; }
}

/// <summary>
/// Where frames come from, as text the host resolves: a file path, <c>webcam[:N]</c>,
/// <c>test[:WxH@FPS]</c> / <c>synthetic[:WxH@FPS]</c>; plus free-form options for the host.
/// </summary>
public sealed record SourceDefinition(string Text, IReadOnlyDictionary<string, string> Options);

/// <summary>One stage: its unique name, its op, the op's keys (as in <c>convstream filter</c>) and the stage(s) it reads.</summary>
public sealed record StageDefinition(string Name, string Op, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, string> Keys);

/// <summary>Window: an OpenCV highgui window, always shown (Preview: ffplay or a window, only with --preview).</summary>
public enum OutputKind { File, Images, Preview, Mosaic, Null, Window }

/// <summary>
/// Where a stage's frames go. <see cref="Path"/> is relative to the run's output folder;
/// a mosaic reads several stages (same frame index from each) and tiles them into one picture.
/// </summary>
public sealed record OutputDefinition(string Name, OutputKind Kind, IReadOnlyList<string> Stages, string? Path, IReadOnlyDictionary<string, string> Options);

public enum ScheduleMode { Offline, Live }

public enum DropPolicy { Wait, DropOldest }

/// <summary>
/// How the pipeline runs, kept apart from what it computes (as Halide separates a schedule from
/// its algorithm): live (latency first: capacity 1, newest frame wins, older ones dropped and
/// counted) or offline (every frame, queues wait); channel capacity; threads per stage; band height.
/// </summary>
public sealed record ScheduleDefinition
{
    public ScheduleMode Mode { get; init; } = ScheduleMode.Offline;
    /// <summary>Frames each queue between two nodes holds.</summary>
    public int Capacity { get; init; } = 4;
    /// <summary>What the source does when the first queue is full.</summary>
    public DropPolicy Drop { get; init; } = DropPolicy.Wait;
    /// <summary>Cores one stage may use for one frame (its plans' <see cref="Engine.Simd.ExecutionSettings.Threads"/>); default <c>CONVSTREAM_THREADS</c>, else every core.</summary>
    public int Threads { get; init; } = Engine.Simd.Threads.Default;
    /// <summary>Rows per task when a pointwise stage splits a frame into bands; 0 = automatic.</summary>
    public int BandHeight { get; init; }

    public static ScheduleDefinition For(ScheduleMode mode) => mode == ScheduleMode.Live
        ? new ScheduleDefinition { Mode = mode, Capacity = 1, Drop = DropPolicy.DropOldest }
        : new ScheduleDefinition { Mode = mode, Capacity = 4, Drop = DropPolicy.Wait };

    public string Describe() => Mode == ScheduleMode.Live
        ? $"live: queues of {Capacity}, the source {(Drop == DropPolicy.DropOldest ? "drops the oldest frame when the first queue is full (counted)" : "waits when the first queue is full")}, {Threads} thread(s) per stage{Band}"
        : $"offline: queues of {Capacity}, every stage waits for the next (no frame lost), {Threads} thread(s) per stage{Band}";

    private string Band => BandHeight > 0 ? $", bands of {BandHeight} rows" : ", automatic bands";
}
