using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Segments;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream run PIPELINE --segment I/N --output DIR</c>: one keyframe-aligned segment of a
/// video file alone, as one of N workers (processes of <c>--segments N</c>, or the pods of an
/// Indexed Job). Every worker probes the same keyframes and so picks the same segments
/// (<see cref="SegmentPlan"/>). The segment's outputs go to DIR/segments/I without audio (the join
/// adds it once over the whole), then its manifest, last: a folder without one is unfinished.
/// With temporal stages the segment also reads their footprint before and after its range and
/// writes only its own frames; a running state over every earlier frame (running-average) is refused.
/// </summary>
internal static class SegmentRun
{
    public static (int Index, int Count) ParseIndex(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return (i, n);
        throw new UsageException($"option --segment '{text}' must be I/N with 0 <= I < N (segment I of N, counted from 0 as JOB_COMPLETION_INDEX is)");
    }

    public static int ParseCount(string option, string text)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n : throw new UsageException($"option {option} '{text}' must be a positive integer (the number of segments)");

    /// <summary>What every segment run (and the --segments parent) checks first; returns the pipeline, the input file, the plan and the temporal margins (frames before and after).</summary>
    public static (PipelineDefinition Definition, string Input, SegmentPlan Plan, int Before, int After) Prepare(RunCommand.RunRequest r, int requested)
    {
        if (r.Live) throw new ConvStreamException("--segments/--segment: segments are for offline runs of a video file; --live contradicts them");
        if (r.Frames is not null) throw new ConvStreamException("--segments/--segment: --frames is not supported with segments (cut the input first: ffmpeg -i IN -frames:v N -c copy OUT)");
        if (r.Web is not null) throw new ConvStreamException("--segments/--segment: --web shows one process's stages; drop it (each worker is its own process)");
        if (r.Backend == Media.MediaBackend.OpenCv) throw new ConvStreamException("--segments/--segment: segments seek and join with ffmpeg; drop --backend opencv");
        if (r.AllowOutsideOutput) throw new ConvStreamException("--segments/--segment: outputs must stay inside --output (the join looks for them there); drop --allow-outside-output");
        var definition = RunCommand.Prepare(PipelineFile.Load(r.PipelinePath), r);
        if (definition.Schedule.Mode == ScheduleMode.Live)
            throw new ConvStreamException($"{definition.FileName}: a live pipeline; segments are for offline runs (add --offline)");
        string text = (r.Input ?? definition.Source?.Text ?? throw new ConvStreamException($"{definition.FileName}: the file names no source; give --input PATH")).Trim();
        string baseDir = r.Input is not null ? Directory.GetCurrentDirectory() : definition.BaseDirectory;
        string? input = RunMedia.SourceFile(text, baseDir);
        string kind = text.Split(':')[0].ToLowerInvariant();
        if (input is null && kind is "webcam" or "camera" or "test" or "testsrc" or "testsrc2" or "lavfi" or "live" || text.Contains('%') || text.StartsWith("/dev/", StringComparison.Ordinal))
            throw new ConvStreamException($"--segments/--segment: input '{text}' is a camera, test, live or image-sequence source, not a video file; segments cut a video file at its keyframes");
        if (input is null) throw new ConvStreamException($"{text}: input file not found (looked in {baseDir}); segments need a video file");
        if (input.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase))
            throw new ConvStreamException($"{input}: a .y4m input has no keyframe index to cut at; convert it first (ffmpeg -i IN -c:v ffv1 OUT.mkv)");
        foreach (var o in definition.Outputs)
            if (o.Path is not null && o.Kind != OutputKind.Images && o.Kind != OutputKind.Null && o.Path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase))
                throw new ConvStreamException($"{definition.FileName}: output '{o.Name}' is a .y4m file, which the concat join cannot stream-copy; use .mkv (lossless ffv1) with segments");

        var plan = SegmentPlan.For(KeyframeIndex.Probe(input), requested);
        var info = MediaProbe.Probe(input).Info;
        var pipelinePlan = PipelinePlan.Build(definition, new FrameFormat(info.Width, info.Height, info.Channels, PixelDepth.U8));
        var temporal = TemporalPlan.For(pipelinePlan);
        foreach (var (stage, t) in temporal.Stages)
            if (t.Unbounded)
                throw new ConvStreamException($"{definition.FileName}: stage '{stage}' keeps a running state over every earlier frame, which no segment can start with; run it without --segments");
        // Frames a kept frame may depend on before it (a bound: the whole field in time) and after it (the delay).
        int before = temporal.Stages.Values.Select(t => t.Field - 1).DefaultIfEmpty(0).Max();
        int after = temporal.Stages.Values.Select(t => t.Delay).DefaultIfEmpty(0).Max();
        return (definition, input, plan, before, after);
    }

    public static int Execute(RunCommand.RunRequest r, (int Index, int Count) which, TextWriter stdout)
    {
        var (definition, input, plan, before, after) = Prepare(r, which.Count);
        if (plan.Note is string note) Console.Error.WriteLine($"convstream run: {note}");
        if (which.Index >= plan.Count)
        {
            // A folder an earlier plan left at this index would make the join's manifests disagree.
            if (Directory.Exists(SegmentManifest.FolderOf(r.OutputDirectory, which.Index))) Directory.Delete(SegmentManifest.FolderOf(r.OutputDirectory, which.Index), recursive: true);
            stdout.WriteLine($"segment {which.Index}/{which.Count}: nothing to do (the input allows {plan.Count} segments)");
            return 0;
        }
        var segment = plan.Segments[which.Index];
        string folder = SegmentManifest.FolderOf(r.OutputDirectory, segment.Index);
        // A re-run replaces what an earlier (failed or stale) run of this segment left.
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        // Temporal stages: read their footprint before and after the segment (an accurate seek works
        // at any frame), keep only the segment's own frames.
        long readStart = Math.Max(0, segment.StartFrame - before);
        long readEnd = segment.Last ? plan.Index.FrameCount : Math.Min(plan.Index.FrameCount, segment.StartFrame + segment.Frames + after);
        long skip = segment.StartFrame - readStart;
        var run = r with
        {
            OutputDirectory = folder,
            SourceStart = readStart > 0 ? plan.Index.SeekTo(readStart) : null,
            Frames = segment.Last ? null : readEnd - readStart,
            CopyAudio = false,
            // ffmpeg decodes (its accurate seek starts the segment) and writes the parts the concat join copies.
            Backend = Media.MediaBackend.Ffmpeg,
            OutputWindow = before > 0 || after > 0 ? (skip, segment.Last ? null : segment.Frames) : null,
        };
        int status = RunCommand.Execute(run, stdout);
        if (status != 0) return status;

        var outputs = new List<SegmentOutput>();
        foreach (var o in definition.Outputs)
        {
            if (o.Path is null || o.Kind is OutputKind.Null or OutputKind.Preview) continue;
            string full = Path.GetFullPath(Path.Combine(folder, o.Path));
            bool images = o.Kind == OutputKind.Images;
            if (images && !o.Path.Contains('%')) full = Path.Combine(full, "%06d.png");
            string part = Path.GetRelativePath(r.OutputDirectory, full), joined = Path.GetRelativePath(folder, full);
            long frames = images ? PartFrames.OfImages(full) : PartFrames.OfVideo(full);
            var output = new SegmentOutput(o.Name, images ? "images" : "video", joined, part, frames, "");
            string sum = images ? SegmentManifest.Sha256Of(SegmentJoin.ImageParts(r.OutputDirectory, output)) : SegmentManifest.Sha256Of(full);
            outputs.Add(output with { Sha256 = sum });
        }
        long written = outputs.Count > 0 ? outputs[0].Frames : segment.Frames;
        foreach (var o in outputs)
            if (o.Frames != written || (!segment.Last && o.Frames != segment.Frames))
                throw new ConvStreamException($"segment {segment.Index}/{plan.Count}: output '{o.Name}' has {o.Frames} frames, expected {(segment.Last ? written : segment.Frames)} (frames {segment.StartFrame}..{segment.StartFrame + segment.Frames - 1})");
        var k = plan.Index;
        new SegmentManifest
        {
            Pipeline = Path.GetFullPath(r.PipelinePath),
            PipelineSha256 = SegmentManifest.Sha256Of(r.PipelinePath),
            Input = input,
            InputBytes = new FileInfo(input).Length,
            InputHasAudio = MediaProbe.Probe(input).AudioCodec is not null,
            Index = segment.Index,
            Count = plan.Count,
            Requested = plan.Requested,
            StartFrame = segment.StartFrame,
            Frames = written,
            FrameRate = $"{k.RateNumerator}/{k.RateDenominator}",
            StartSeconds = segment.StartFrame / k.Rate,
            EndSeconds = (segment.StartFrame + written) / k.Rate,
            Outputs = outputs,
        }.Write(folder);
        stdout.WriteLine($"segment {segment.Index}/{plan.Count}: frames {segment.StartFrame}..{segment.StartFrame + written - 1} in {folder} ({SegmentManifest.FileName} written)");
        return 0;
    }
}
