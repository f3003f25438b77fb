using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConvStream.Engine;

namespace ConvStream.Media.Segments;

/// <summary>One output's part in one segment: where it goes when joined, where the part is, its frames and checksum.</summary>
/// <param name="Kind">"video" (joined by ffmpeg's concat demuxer) or "images" (renumbered into one sequence).</param>
/// <param name="Path">The joined output, relative to the output folder (a file, or an image pattern with one %d field).</param>
/// <param name="Part">The part, relative to the output folder (a file, or an image pattern numbered from 0).</param>
/// <param name="Sha256">Of the part file; of every image's name and bytes in order for images.</param>
public sealed record SegmentOutput(string Name, string Kind, string Path, string Part, long Frames, string Sha256);

/// <summary>
/// What one finished segment wrote (<c>segments/I/segment.json</c> in the output folder), written
/// last and atomically: a segment without it is absent or unfinished. The join compares every
/// manifest's pipeline and input and checks the frame ranges are contiguous and the parts unchanged.
/// </summary>
public sealed record SegmentManifest
{
    public const string CurrentFormat = "convstream-segment/1";
    public const string FileName = "segment.json";

    public string Format { get; init; } = CurrentFormat;
    public required string Pipeline { get; init; }
    public required string PipelineSha256 { get; init; }
    public required string Input { get; init; }
    public required long InputBytes { get; init; }
    public required bool InputHasAudio { get; init; }
    public required int Index { get; init; }
    /// <summary>Segments in the plan (may be fewer than asked for: see <see cref="Requested"/>).</summary>
    public required int Count { get; init; }
    public required int Requested { get; init; }
    public required long StartFrame { get; init; }
    public required long Frames { get; init; }
    /// <summary>The frame rate as a rational, "25/1".</summary>
    public required string FrameRate { get; init; }
    /// <summary>Time of the first and past the last frame, from the start of the output (StartFrame / rate).</summary>
    public required double StartSeconds { get; init; }
    public required double EndSeconds { get; init; }
    public required IReadOnlyList<SegmentOutput> Outputs { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The folder of segment <paramref name="index"/> inside the output folder.</summary>
    public static string FolderOf(string outputDirectory, int index) => System.IO.Path.Combine(outputDirectory, "segments", index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Write(string folder)
    {
        string target = System.IO.Path.Combine(folder, FileName);
        string temp = System.IO.Path.Combine(folder, $".{FileName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, target, overwrite: true);
    }

    public static SegmentManifest Read(string file)
    {
        try
        {
            var m = JsonSerializer.Deserialize<SegmentManifest>(File.ReadAllText(file), Json)
                ?? throw new ConvStreamException($"{file}: empty segment manifest");
            if (m.Format != CurrentFormat) throw new ConvStreamException($"{file}: format '{m.Format}', expected {CurrentFormat}");
            return m;
        }
        catch (JsonException e) { throw new ConvStreamException($"{file}: not a segment manifest: {e.Message}", e); }
    }

    public static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Of <paramref name="files"/> in order: each one's name and bytes (a renamed or changed image changes it).</summary>
    public static string Sha256Of(IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string f in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(f) + "\n"));
            hash.AppendData(File.ReadAllBytes(f));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
