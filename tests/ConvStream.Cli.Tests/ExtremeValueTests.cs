namespace ConvStream.Cli.Tests;

/// <summary>
/// Extreme values through the real command: each once crashed (AccessViolationException, exit
/// 134), gave wrong output with exit 0, or was an "internal error" (exit 70). Now each is one
/// exit-1 line naming the value and the limit, and no output file is written.
/// </summary>
public class ExtremeValueTests
{
    /// <summary>Case → (command line after the verb's inputs are made; words the one error line must contain).</summary>
    private static readonly Dictionary<string, (string[] Args, string[] Expect)> Cases = new()
    {
        ["dilation-2^31-1-same"] = (["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--dilation", "2147483647", "--padding", "same", "--output", "y.npy"],
            ["dilation 2147483647 exceeds the limit of 1048576"]),
        ["padding-2^31-1"] = (["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--padding", "2147483647", "--output", "y.npy"],
            ["padding 2147483647 exceeds the limit of 1048576"]),
        ["dilation-2^30-same"] = (["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--dilation", "1073741824", "--padding", "same", "--output", "y.npy"],
            ["dilation 1073741824 exceeds the limit of 1048576"]),
        ["padding-100000"] = (["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--padding", "100000", "--output", "y.npy"],
            ["output (1,4,200010,200010) has 160016000400 elements", "limit of one buffer (2147483591 elements)"]),
        ["padding-10^9"] = (["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--padding", "1000000000", "--output", "y.npy"],
            ["padding 1000000000 exceeds the limit of 1048576"]),
        ["dilation-2*10^9"] = (["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--dilation", "2000000000", "--output", "y.npy"],
            ["dilation 2000000000 exceeds the limit of 1048576"]),
        ["pool-dilation"] = (["op", "max-pool2d", "--input", "x.npy", "--kernel", "3", "--dilation", "2000000000", "--output", "y.npy"],
            ["dilation 2000000000 exceeds the limit of 1048576"]),
        ["describe-dilation"] = (["describe", "dil.json"], ["dil.json", "stage 'c'", "key 'dilation' 2147483647 exceeds the limit of 1048576"]),
        ["run-dilation"] = (["run", "dil.json", "--output", "out", "--frames", "2"], ["dil.json", "stage 'c'", "key 'dilation' 2147483647 exceeds the limit of 1048576"]),
        ["y4m-header"] = (["run", "gray.json", "--input", "big.y4m", "--output", "out"],
            ["big.y4m: Y4M header: frame (100000,100000,3) has 30000000000 elements", "limit of one buffer"]),
        ["test-source"] = (["run", "gray.json", "--input", "test:100000x100000", "--output", "out", "--frames", "2"],
            ["synthetic source: frame (100000,100000,3) has 30000000000 elements", "limit of one buffer"]),
        ["bench-size"] = (["bench", "--stage", "gray", "--size", "100000x100000", "--frames", "2"],
            ["--size 100000x100000: frame (100000,100000,3)", "limit of one buffer"]),
        ["bench-json-folder"] = (["bench", "--stage", "gray", "--size", "64x48", "--frames", "2", "--warmup", "0", "--json", "out"],
            ["out: is a folder; expected a file name"]),
    };

    private static readonly ParallelRuns<string> Runs = new(Cases.Keys, (key, work) =>
    {
        PipelineMedia.Tool("/usr/bin/python3", "-c",
            "import numpy as np; np.save('" + work.File("x.npy") + "', np.ones((3,12,12), np.float32)); np.save('" + work.File("w.npy") + "', np.ones((4,3,3,3), np.float32))");
        File.WriteAllText(work.File("dil.json"), $$"""
            { "source": "test:64x48@30", "stages": [ { "name": "c", "op": "conv2d", "input": "source", "weights": "w.npy", "dilation": 2147483647, "padding": "same" } ],
              "outputs": [ { "kind": "null", "stage": "c" } ] }
            """);
        File.WriteAllText(work.File("gray.json"), """
            { "stages": [ { "name": "g", "op": "gray", "input": "source" } ], "outputs": [ { "kind": "file", "stage": "g", "path": "g.mkv" } ] }
            """);
        File.WriteAllText(work.File("big.y4m"), "YUV4MPEG2 W100000 H100000 F30:1 C420jpeg\nFRAME\n");
        if (key == "bench-json-folder") Directory.CreateDirectory(work.File("out"));
        return Cases[key].Args;
    });

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void IsOneExit1LineNamingTheValueAndTheLimit(string name)
    {
        var (work, r) = Runs.Get(name);
        using var _ = work;
        Assert.True(r.ExitCode == 1, r.ToString());
        string line = Assert.Single(r.StderrLines, l => l.StartsWith("convstream ", StringComparison.Ordinal));
        foreach (var word in Cases[name].Expect) Assert.True(line.Contains(word, StringComparison.Ordinal), $"'{word}' missing from: {line}");
        Assert.DoesNotContain("internal error", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(work.File("y.npy")));
        Assert.False(Directory.Exists(work.File("out")) && name != "bench-json-folder", "an output folder was created");
    }

    /// <summary>Issue 8's PNG reader (OpenCV imgcodecs) refuses this header; it once overflowed into exit 70.</summary>
    [Fact]
    public void APngDeclaring2Pow31Minus1SquaredIsOneExit1Line()
    {
        using var work = new TempFolder();
        PipelineMedia.Tool("/usr/bin/python3", "-c", $$"""
            import struct, zlib
            def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
            ihdr = struct.pack('>IIBBBBB', 2**31-1, 2**31-1, 8, 2, 0, 0, 0)
            open({{PipelineMedia.Json(work.File("huge.png"))}}, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(b'\0' * 16)) + chunk(b'IEND', b''))
            """);
        var r = ConvstreamProcess.Run(work.Path, "filter", "huge.png", "o.png", "--stage", "gray");
        Assert.True(r.ExitCode == 1, r.ToString());
        string line = Assert.Single(r.StderrLines);
        Assert.Contains("huge.png", line);
        Assert.Contains("2147483647", line);
        Assert.False(File.Exists(work.File("o.png")));
    }
}
