using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;

namespace ConvStream.Media.Segments;

/// <summary>
/// Joins the segments a folder holds into the outputs a single run would have written there:
/// first checks that every segment of the plan is present and finished (a manifest), that the
/// manifests agree on pipeline and input, that the frame ranges follow each other without gap or
/// overlap and that every part still has its checksum; then joins each video output with ffmpeg's
/// concat demuxer (stream copy, no re-encoding) and muxes the source's audio once over the whole
/// (never per segment, so no gap or click at the cuts), and renumbers image parts into one
/// sequence. Each joined file is written under a temporary name and moved into place when whole.
/// </summary>
public static class SegmentJoin
{
    /// <summary>The checked manifests, in segment order; throws naming what is missing or disagrees.</summary>
    public static IReadOnlyList<SegmentManifest> Check(string outputDirectory)
    {
        string root = Path.Combine(outputDirectory, "segments");
        if (!Directory.Exists(root))
            throw new ConvStreamException($"{outputDirectory}: no segments folder; run 'convstream run PIPELINE --segment I/N --output {outputDirectory}' first");
        var found = new SortedDictionary<int, SegmentManifest>();
        var unfinished = new List<int>();
        foreach (string dir in Directory.GetDirectories(root))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int i)) continue;
            string file = Path.Combine(dir, SegmentManifest.FileName);
            if (File.Exists(file)) found[i] = SegmentManifest.Read(file);
            else unfinished.Add(i);
        }
        if (found.Count == 0)
            throw new ConvStreamException($"{root}: no finished segment (no {SegmentManifest.FileName} in any segments/I folder)");
        var first = found.Values.First();
        foreach (var (i, m) in found)
        {
            string where = $"{root}/{i}/{SegmentManifest.FileName}";
            if (m.PipelineSha256 != first.PipelineSha256)
                throw new ConvStreamException($"{where}: made by pipeline {m.Pipeline} (sha256 {m.PipelineSha256[..12]}), segment {first.Index}'s by {first.Pipeline} ({first.PipelineSha256[..12]}): the manifests disagree; run every segment with the same pipeline");
            if (m.Input != first.Input || m.InputBytes != first.InputBytes)
                throw new ConvStreamException($"{where}: made from input {m.Input} ({m.InputBytes} bytes), segment {first.Index}'s from {first.Input} ({first.InputBytes} bytes): the manifests disagree; run every segment on the same input");
            if (m.Count != first.Count || m.FrameRate != first.FrameRate)
                throw new ConvStreamException($"{where}: one of {m.Count} segments at {m.FrameRate}, segment {first.Index}'s one of {first.Count} at {first.FrameRate}: the manifests disagree");
            if (m.Index != i) throw new ConvStreamException($"{where}: says it is segment {m.Index}");
        }
        var missing = Enumerable.Range(0, first.Count).Where(i => !found.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            string detail = string.Join(", ", missing.Select(i => unfinished.Contains(i) ? $"{i} (unfinished: no {SegmentManifest.FileName})" : $"{i} (absent)"));
            throw new ConvStreamException($"{outputDirectory}: segment(s) {detail} of {first.Count} missing; run 'convstream run PIPELINE --segment I/{first.Requested} --output {outputDirectory}' for each, then join again");
        }
        var ordered = Enumerable.Range(0, first.Count).Select(i => found[i]).ToList();
        long next = 0;
        foreach (var m in ordered)
        {
            if (m.StartFrame != next)
                throw new ConvStreamException($"{root}/{m.Index}: starts at frame {m.StartFrame}, expected {next} (frame ranges must follow each other)");
            next = m.StartFrame + m.Frames;
            var names = m.Outputs.Select(o => (o.Name, o.Kind, o.Path));
            if (!names.SequenceEqual(first.Outputs.Select(o => (o.Name, o.Kind, o.Path))))
                throw new ConvStreamException($"{root}/{m.Index}: outputs {string.Join(", ", m.Outputs.Select(o => o.Name))} differ from segment 0's {string.Join(", ", first.Outputs.Select(o => o.Name))}");
            foreach (var o in m.Outputs)
            {
                if (o.Frames != m.Frames)
                    throw new ConvStreamException($"{root}/{m.Index}: output '{o.Name}' has {o.Frames} frames, the segment {m.Frames}");
                string sum = o.Kind == "images" ? SegmentManifest.Sha256Of(ImageParts(outputDirectory, o)) : ChecksumOfFile(outputDirectory, o, m.Index);
                if (sum != o.Sha256)
                    throw new ConvStreamException($"{Path.Combine(outputDirectory, o.Part)}: checksum differs from segment {m.Index}'s manifest (changed or damaged after it was written); run that segment again");
            }
        }
        return ordered;
    }

    private static string ChecksumOfFile(string outputDirectory, SegmentOutput o, int index)
    {
        string part = Path.Combine(outputDirectory, o.Part);
        if (!File.Exists(part)) throw new ConvStreamException($"{part}: segment {index}'s part of '{o.Name}' is missing; run that segment again");
        return SegmentManifest.Sha256Of(part);
    }

    /// <summary>The image files of one part, frame 0 first.</summary>
    public static IEnumerable<string> ImageParts(string outputDirectory, SegmentOutput o)
    {
        var pattern = new ImageSequencePattern(Path.Combine(outputDirectory, o.Part));
        for (long k = 0; k < o.Frames; k++)
        {
            string f = pattern.PathOf(k);
            if (!File.Exists(f)) throw new ConvStreamException($"{f}: image {k} of output '{o.Name}' is missing from its segment; run that segment again");
            yield return f;
        }
    }

    /// <summary>Checks, then writes every joined output; returns one line per output written.</summary>
    public static IReadOnlyList<string> Join(string outputDirectory, CancellationToken cancellationToken, string? ffmpegPath = null)
    {
        var segments = Check(outputDirectory);
        var first = segments[0];
        long frames = segments.Sum(s => s.Frames);
        var written = new List<string>();
        foreach (var output in first.Outputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parts = segments.Select(s => (s, s.Outputs.Single(o => o.Name == output.Name))).ToList();
            string target = Path.Combine(outputDirectory, output.Path);
            if (output.Kind == "images") JoinImages(outputDirectory, target, parts, cancellationToken);
            else JoinVideo(outputDirectory, target, first, frames, parts.Select(p => Path.Combine(outputDirectory, p.Item2.Part)).ToList(), ffmpegPath, cancellationToken);
            written.Add($"joined {target} ({frames} frames from {segments.Count} segments)");
        }
        return written;
    }

    private static void JoinImages(string outputDirectory, string target, List<(SegmentManifest Segment, SegmentOutput Part)> parts, CancellationToken cancellationToken)
    {
        var pattern = new ImageSequencePattern(target);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pattern.PathOf(0)))!);
        foreach (var (segment, part) in parts)
        {
            long k = 0;
            foreach (string file in ImageParts(outputDirectory, part))
            {
                cancellationToken.ThrowIfCancellationRequested();
                // One global numbering: the segment's first frame is its place in the whole.
                string to = pattern.PathOf(segment.StartFrame + k++);
                string temp = Path.Combine(Path.GetDirectoryName(to)!, $".{Path.GetFileName(to)}.{Environment.ProcessId}.tmp");
                File.Copy(file, temp, overwrite: true);
                File.Move(temp, to, overwrite: true);
            }
        }
    }

    private static void JoinVideo(string outputDirectory, string target, SegmentManifest first, long frames, List<string> parts, string? ffmpegPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        var choice = EncoderChoice.For(target, 3, new VideoFileSinkOptions());
        string list = Path.Combine(outputDirectory, "segments", $".concat-{Path.GetFileName(target)}.{Environment.ProcessId}.txt");
        // The concat demuxer's list: one quoted absolute path a line (' written as '\'').
        File.WriteAllLines(list, parts.Select(p => $"file '{Path.GetFullPath(p).Replace("'", "'\\''")}'"));
        var output = new OutputFile(target);
        try
        {
            var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", list };
            string? audio = null;
            if (first.InputHasAudio)
            {
                if (!File.Exists(first.Input))
                    throw new ConvStreamException($"{first.Input}: the input is needed for its audio and is not there");
                audio = MediaProbe.Probe(first.Input, ffmpegPath).AudioCodec;
                if (audio is not null) args.AddRange(["-i", first.Input]);
            }
            args.AddRange(["-map", "0:v:0", "-c:v", "copy"]);
            if (audio is not null)
            {
                args.AddRange(["-map", "1:a?"]);
                if (choice.CanCopy(audio)) args.AddRange(["-c:a", "copy"]);
                else { args.Add("-c:a"); args.AddRange(choice.AudioEncoder); }
                // The audio as long as the video, as a single run's output has it.
                double seconds = frames * (double)RateDenominator(first) / RateNumerator(first);
                args.AddRange(["-t", seconds.ToString("0.######", CultureInfo.InvariantCulture)]);
            }
            args.AddRange(["-f", choice.Muxer, output.Temporary]);
            using var child = ChildProcess.Start(FfmpegLocator.Find("ffmpeg", ffmpegPath), args, $"ffmpeg joining {target}", redirectStdin: false, redirectStdout: false);
            using (cancellationToken.Register(child.Kill))
                child.WaitForExit(TimeSpan.FromHours(2));
            cancellationToken.ThrowIfCancellationRequested();
            if (!child.HasExited || child.ExitCode != 0 || child.Stderr.ErrorLines > 0)
                throw new ConvStreamException($"{target}: not joined: ffmpeg {child.ExitDescription}: {child.Stderr.Quote()}");
            output.Commit();
        }
        finally
        {
            if (!output.Committed) output.Discard();
            try { File.Delete(list); } catch (IOException) { }
        }
    }

    private static int RateNumerator(SegmentManifest m) => int.Parse(m.FrameRate.Split('/')[0], CultureInfo.InvariantCulture);
    private static int RateDenominator(SegmentManifest m) => int.Parse(m.FrameRate.Split('/')[1], CultureInfo.InvariantCulture);
}
