using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Sources;

namespace ConvStream.Media.Segments;

/// <summary>How many frames a segment's part holds, read back from what is on disk (not from what the run meant to write).</summary>
public static class PartFrames
{
    /// <summary>Images numbered from 0 without a gap.</summary>
    public static long OfImages(string pattern)
    {
        var p = new ImageSequencePattern(pattern);
        long n = 0;
        while (File.Exists(p.PathOf(n))) n++;
        return n;
    }

    /// <summary>A video file's packets (one per frame for every codec the sinks write), counted by ffprobe; 0 when the file is absent.</summary>
    public static long OfVideo(string file, string? ffmpegPath = null)
    {
        if (!File.Exists(file)) return 0;
        using var child = ChildProcess.Start(FfmpegLocator.Find("ffprobe", ffmpegPath),
            ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file],
            $"ffprobe counting the frames of {file}", redirectStdin: false, redirectStdout: true);
        string text;
        using (var reader = new StreamReader(child.Stdout!)) text = reader.ReadToEnd().Trim();
        child.WaitForExit(TimeSpan.FromMinutes(5));
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n
            : throw new ConvStreamException($"{file}: ffprobe cannot count its frames: {child.Stderr.Quote()}");
    }
}
