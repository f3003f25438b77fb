using System.Text.RegularExpressions;
using ConvStream.Cli.Display;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;
using Spectre.Console;
using Spectre.Console.Testing;

namespace ConvStream.Cli.Tests;

/// <summary>
/// The terminal path of convstream's output (Spectre.Console on a fake terminal, and the real
/// command under a pseudo-terminal made by util-linux's <c>script</c>) against the plain path the
/// other tests read: the same cells in both, the live progress per output with its status, plain
/// progress as whole lines, and NO_COLOR honoured.
/// </summary>
public class DisplayTests
{
    private const string Pipeline = """
        { "stages": [
            { "name": "soft", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 },
            { "name": "mono", "op": "gray",     "input": "soft" } ],
          "outputs": [ { "kind": "null", "stage": "mono", "name": "sink" }, { "kind": "null", "stage": "soft", "name": "side" } ] }
        """;

    private static (PipelineRunner Runner, Task<RunSummary> Run) Start(int frames)
    {
        var definition = PipelineFile.Parse(Pipeline, Path.Combine(AppContext.BaseDirectory, "display.json"), AppContext.BaseDirectory);
        var plan = PipelinePlan.Build(definition, new FrameFormat(64, 48, 3, PixelDepth.U8));
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, 3, 30, frames), plan.Outputs.ToDictionary(o => o.Name, _ => (IVideoSink)new NullSink()));
        return (runner, runner.RunAsync());
    }

    private static TestConsole Terminal(bool colours = true)
    {
        var console = new TestConsole().Width(160).Interactive().EmitAnsiSequences();
        console.Profile.Capabilities.Ansi = true;
        console.Profile.Capabilities.ColorSystem = colours ? ColorSystem.TrueColor : ColorSystem.NoColors;
        return console;
    }

    private static string WithoutAnsi(string s) => Regex.Replace(s, @"\x1b\[[0-9;?]*[A-Za-z]", "");

    [Fact]
    public async Task TheSummaryTableHoldsTheSameCellsOnATerminalAsInPlainText()
    {
        var (_, run) = Start(12);
        var summary = await run;
        string plain = SummaryView.Plain(summary);
        var console = Terminal();
        SummaryView.Render(console, summary);
        string drawn = WithoutAnsi(console.Output);
        Assert.Contains("╭", drawn);                       // a Spectre table, rounded border
        Assert.Contains("compute ms p50/p95/p99/max", drawn);
        // Every row's cells, as the plain text has them, in the same order in the drawn table.
        var table = SummaryView.Table(summary);
        Assert.Equal(["source", "soft", "mono", "→ sink", "→ side"], table.Rows.Select(r => r[0]));
        foreach (var row in table.Rows)
        {
            Assert.Matches(string.Join(@"\s+", row.Where(c => c.Length > 0).Select(Regex.Escape)), plain);
            Assert.Matches(string.Join(@"\s*│\s*", row.Select(Regex.Escape)), drawn);
        }
        string totals = plain.Split('\n')[^1];
        Assert.StartsWith("12 frames in ", totals);
        Assert.Contains(totals, drawn);
        Assert.Contains("\x1b[38;", console.Output);        // the totals line is coloured
        Assert.DoesNotContain("\x1b", plain);
    }

    [Fact]
    public async Task NoColoursMeansNoColourSequencesButTheSameTable()
    {
        var (_, run) = Start(5);
        var summary = await run;
        var console = Terminal(colours: false);
        SummaryView.Render(console, summary);
        Assert.DoesNotMatch(@"\x1b\[(3|4)8;", console.Output);
        Assert.Contains("╭", console.Output);
        Assert.Contains("→ sink", console.Output);
    }

    [Fact]
    public async Task LiveProgressShowsEveryOutputWithItsFramesRateAndStatus()
    {
        var (runner, run) = Start(40);
        var console = Terminal();
        await RunProgressView.LiveAsync(console, runner, 40, run, TimeSpan.FromMilliseconds(5));
        await run;
        string last = WithoutAnsi(console.Output);
        Assert.Matches(@"→ sink done\s.*100%\s+40/40 frames\s+[\d.]+ fps", last);
        Assert.Matches(@"→ side done\s.*100%\s+40/40 frames\s+[\d.]+ fps", last);
        Assert.Contains("━", last);                          // the bars
    }

    [Fact]
    public async Task LiveProgressWithoutAKnownTotalCountsFrames()
    {
        var (runner, run) = Start(10);
        var console = Terminal();
        await RunProgressView.LiveAsync(console, runner, null, run, TimeSpan.FromMilliseconds(5));
        Assert.Matches(@"→ sink done\s.*10 frames\s+[\d.]+ fps", WithoutAnsi(console.Output));
        Assert.DoesNotContain("10/", WithoutAnsi(console.Output));
    }

    [Fact]
    public async Task PlainProgressIsTheLineScriptsParseAsWholeLinesEndingWithTheLastCount()
    {
        var (runner, run) = Start(30);
        var log = new StringWriter();
        await RunProgressView.PlainAsync(log, runner, 30, run, TimeSpan.FromMilliseconds(1));
        string text = log.ToString();
        Assert.DoesNotContain("\r", text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\[#{30}\] 30/30 frames  \d+\.\d fps  ETA 0:00$", lines[^1]);
        foreach (var line in lines) Assert.Matches(@"^\[[#-]{30}\] \d+/30 frames  \d+\.\d fps  ETA \d+:\d\d$", line);
        Assert.Equal("7 frames  3.5 fps  2 s", RunProgressView.Text(7, null, TimeSpan.FromSeconds(2)));
        Assert.Equal("[#######-----------------------] 10/40 frames  5.0 fps  ETA 0:06", RunProgressView.Text(10, 40, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void ATableIsPlainAlignedTextOrASpectreTable()
    {
        var t = new TextTable(("name", false), ("n", true));
        t.Add("a", "1");
        t.Add("longer", "100");
        Assert.Equal("name      n\na         1\nlonger  100\n", t.ToPlainText().Replace("\r", ""));
        var console = Terminal();
        console.Write(t.ToSpectre());
        Assert.Matches(@"│ longer │ 100 │", WithoutAnsi(console.Output));
        Assert.Matches(@"│ a      │   1 │", WithoutAnsi(console.Output));
        Assert.Throws<ArgumentException>(() => t.Add("only one"));
        // Cells are text, not markup: brackets are printed as they are.
        t.Add("[red]x[/]", "2");
        var again = Terminal();
        again.Write(t.ToSpectre());
        Assert.Contains("[red]x[/]", WithoutAnsi(again.Output));
    }

    /// <summary>Four workers advancing 4 frames a tick until each has its 8; worker 2 fails at 4.</summary>
    private static (Func<IReadOnlyList<SegmentProgressView.Worker>> States, Func<bool> Finished, Action Tick) Workers()
    {
        var done = new long[4];
        var exit = new int?[4];
        int ticks = 0;
        IReadOnlyList<SegmentProgressView.Worker> States() => Enumerable.Range(0, 4).Select(i => new SegmentProgressView.Worker(i, done[i], 8, exit[i])).ToList();
        void Tick()
        {
            ticks++;
            for (int i = 0; i < 4; i++)
            {
                if (exit[i] is not null) continue;
                if (i == 2 && ticks == 2) { exit[i] = 1; continue; }
                done[i] = Math.Min(8, done[i] + 4);
                if (done[i] == 8) exit[i] = 0;
            }
        }
        return (States, () => exit.All(e => e is not null), Tick);
    }

    [Fact]
    public void SegmentWorkersShowAsOneRowEachOnATerminalAndOneLineElsewhere()
    {
        var (states, finished, tick) = Workers();
        var console = Terminal();
        SegmentProgressView.Live(console, states, 32, finished, tick, sleepMs: 1);
        string drawn = WithoutAnsi(console.Output);
        Assert.Matches(@"segment 0 done 8/8 frames", drawn);
        Assert.Matches(@"segment 2 exit 1 4/8 frames", drawn);
        Assert.Matches(@"all 28/32 frames", drawn);

        (states, finished, tick) = Workers();
        var log = new StringWriter();
        SegmentProgressView.Plain(log, states, 32, finished, tick, intervalMs: 0);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("segments 0:done 1:done 2:exit 1 3:done  28/32 frames", Regex.Replace(lines[^1].TrimEnd('\r'), @"  [\d.]+ fps$", ""));
        Assert.StartsWith("segments 0:0/8 1:0/8 2:0/8 3:0/8  0/32 frames", lines[0]);
        Assert.DoesNotContain("\r", log.ToString());
    }

    [Fact]
    public void FitProgressIsABarPerPhaseOnATerminalAndTheLastStepInALog()
    {
        static int Adam(Engine.Fitting.IFitProgress p)
        {
            for (int step = 1; step <= 50; step++) p.Step(step, 50, 1.0 / step);
            return 42;
        }
        var console = Terminal();
        Assert.Equal(42, FitProgressView.Live(console, Adam));
        string drawn = WithoutAnsi(console.Output);
        Assert.Matches(@"Adam: step 50/50  loss 0\.02\s.*━.*100%", drawn);
        var log = new StringWriter();
        Assert.Equal(42, FitProgressView.Plain(log, Adam));
        // The first step, then nothing for 5 s, then the last: two whole lines.
        Assert.Equal(["[------------------------------] Adam: step 1/50  loss 1  ETA 0:00", "[##############################] Adam: step 50/50  loss 0.02  ETA 0:00"],
            log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    /// <summary>The real command under a pseudo-terminal: stdout is a terminal, so describe draws its table; NO_COLOR drops the colours only.</summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void DescribeDrawsATableOnARealTerminal(bool noColor)
    {
        Skip.If(!File.Exists("/usr/bin/script"), "util-linux's script (a pseudo-terminal) is not installed");
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline.Replace("{ \"stages\"", "{ \"source\": \"test:64x48@30\", \"stages\""));
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/script")
        {
            WorkingDirectory = work.Path, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        // script runs the command on a new pseudo-terminal and copies what it shows to our (redirected) stdout.
        foreach (string a in new[] { "-qec", $"stty cols 160 rows 50; '{ConvstreamProcess.DotnetHost}' '{ConvstreamProcess.Dll}' describe p.json", "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment["TERM"] = "xterm-256color";
        psi.Environment["COLUMNS"] = "160";
        if (noColor) psi.Environment["NO_COLOR"] = "1"; else psi.Environment.Remove("NO_COLOR");
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "describe under script did not finish in 60 s");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stdout.Result}{stderr}");
        var r = new CommandResult(process.ExitCode, stdout.Result, stderr);
        string text = WithoutAnsi(r.Stdout);
        Assert.Contains("╭", text);
        Assert.Matches(@"│ soft\s+│ gaussian\s+│ source\s+│ 64x48x3 u8\s+│ 5x5\s+│", text);
        Assert.Matches(@"│ mono\s+│ gray\s+│ soft\s+│ 64x48x1 u8\s+│", text);
        Assert.Contains("schedule: ", text);
        if (noColor) Assert.DoesNotMatch(@"\x1b\[(3|4)8;", r.Stdout);
        else Assert.Matches(@"\x1b\[(38;|1m|90m|37m)", r.Stdout);
        // Redirected (the other tests' way), the same command prints the plain table.
        var plain = ConvstreamProcess.Run(work.Path, "describe", "p.json");
        Assert.DoesNotContain("╭", plain.Stdout);
        Assert.Matches(@"(?m)^soft\s{2,}gaussian\s{2,}source\s{2,}64x48x3 u8\s{2,}5x5\s{2,}", plain.Stdout);
    }
}
