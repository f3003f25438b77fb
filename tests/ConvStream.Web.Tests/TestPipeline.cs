using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Web.Tests;

/// <summary>
/// A real pipeline running live in this process on ConvStream's paced synthetic source (a camera
/// stand-in at 640x360@30), its outputs replaced by null sinks, with a <see cref="LiveView"/> on a
/// free loopback port (or the bind given). The pipeline file and the kernels are copies in a temp
/// folder laid out like the repo's <c>filters/</c>, so saving the edited pipeline writes there.
/// </summary>
internal sealed class TestPipeline : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<RunSummary> _run;

    private TestPipeline(string folder, PipelinePlan plan, SyntheticSource source, PipelineRunner runner, LiveView view, WebBind bind)
    {
        Folder = folder;
        Plan = plan;
        Source = source;
        Runner = runner;
        View = view;
        BaseUrl = $"http://127.0.0.1:{view.Port}/";
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (bind.Token is { } t) Client.DefaultRequestHeaders.Authorization = new("Bearer", t);
        _run = Task.Run(() => runner.RunAsync(_stop.Token));
    }

    public string Folder { get; }
    public PipelinePlan Plan { get; }
    public SyntheticSource Source { get; }
    public PipelineRunner Runner { get; }
    public LiveView View { get; }
    public string BaseUrl { get; }
    /// <summary>Carries the token when the bind has one.</summary>
    public HttpClient Client { get; }
    public string PipelinePath => Path.Combine(Folder, "filters", "pipelines", PipelineName);
    public string PipelineName { get; private init; } = "";

    /// <param name="pipeline">A file of the repo's filters/pipelines/.</param>
    /// <param name="text">The pipeline file's text, when it is not one of the repo's.</param>
    public static async Task<TestPipeline> StartAsync(string pipeline = "demo.json", WebBind? bind = null, string? text = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "convstream-web-tests", Guid.NewGuid().ToString("N"));
        CopyTree(Path.Combine(Repo.Root, "filters"), Path.Combine(folder, "filters"));
        if (text is not null) File.WriteAllText(Path.Combine(folder, "filters", "pipelines", pipeline), text);
        var loaded = PipelineFile.Load(Path.Combine(folder, "filters", "pipelines", pipeline));
        // As `run --live` without --preview: queues of 1, windows left out; every output a null sink.
        var definition = loaded with
        {
            Schedule = loaded.Schedule with { Mode = ScheduleMode.Live, Capacity = 1, Drop = DropPolicy.DropOldest, Threads = 1 },
            Outputs = loaded.Outputs.Where(o => o.Kind != OutputKind.Preview && !(o.Kind == OutputKind.Mosaic && o.Path is null)).ToList(),
        };
        var source = new SyntheticSource(640, 360, 3, 30, frames: null, paced: true);
        var plan = PipelinePlan.Build(definition, new FrameFormat(640, 360, 3, PixelDepth.U8));
        var sinks = plan.Outputs.ToDictionary(o => o.Name, IVideoSink (_) => new NullSink());
        bind ??= new WebBind(System.Net.IPAddress.Loopback, 0, null);
        var view = new LiveView(bind, plan, source.Info, "test:640x360@30");
        var runner = new PipelineRunner(plan, source, sinks, new RunOptions { FrameTap = view.Tap });
        await view.StartAsync(runner);
        return new TestPipeline(folder, plan, source, runner, view, bind) { PipelineName = pipeline };
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var r = await Client.GetAsync(path);
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<(int Status, JsonObject Body)> PutAsync(string stage, string json, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/stages/{stage}") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (origin is not null) request.Headers.Add("Origin", origin);
        using var r = await Client.SendAsync(request);
        return ((int)r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>A PNG snapshot of <paramref name="node"/>, decoded as stored (gray stays 1 channel), and the source frame index it shows.</summary>
    public async Task<(long Index, byte[] Pixels, int Width, int Height, int Channels)> SnapshotAsync(string node)
    {
        using var r = await Client.GetAsync($"snapshot/{node}.png");
        Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType!.MediaType);
        long index = long.Parse(r.Headers.GetValues("X-Frame-Index").Single());
        var (pixels, w, h, c) = Decode(await r.Content.ReadAsByteArrayAsync());
        return (index, pixels, w, h, c);
    }

    public static (byte[] Pixels, int Width, int Height, int Channels) Decode(byte[] encoded)
    {
        using var mat = Cv2.ImDecode(encoded, ImreadModes.Unchanged);
        Assert.False(mat.Empty(), "the image does not decode");
        var bytes = new byte[mat.Total() * mat.ElemSize()];
        Marshal.Copy(mat.Data, bytes, 0, bytes.Length);
        return (bytes, mat.Width, mat.Height, mat.Channels());
    }

    /// <summary>
    /// What stage <paramref name="stage"/> computes for source frame <paramref name="index"/>, computed
    /// here from scratch: the synthetic frame redrawn, then each stage on its path with filters planned
    /// anew from <paramref name="definition"/> (the file's keys, or edited ones).
    /// </summary>
    public Frame Reference(string stage, long index, PipelineDefinition? definition = null)
    {
        var plan = PipelinePlan.Build(definition ?? Plan.Definition, Plan.SourceFormat);
        var frames = new Dictionary<string, Frame> { [PipelineFile.SourceName] = Plan.SourceFormat.Allocate() };
        Source.Draw(frames[PipelineFile.SourceName], index);
        foreach (var s in plan.Stages)
        {
            var output = s.Output.Allocate();
            s.Filter.Apply(s.Definition.Inputs.Select(i => frames[i]).ToArray(), output);
            frames[s.Name] = output;
            if (s.Name == stage) break;
        }
        return frames[stage];
    }

    public StageDefinition StageDefinition(string name) => Plan.Definition.Stages.First(s => s.Name == name);

    /// <summary>The running definition with one stage's keys replaced.</summary>
    public PipelineDefinition With(string stage, params (string Key, string? Value)[] keys)
    {
        var stages = Plan.Definition.Stages.Select(s =>
        {
            if (s.Name != stage) return s;
            var k = new Dictionary<string, string>(s.Keys, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in keys) { if (value is null) k.Remove(key); else k[key] = value; }
            return s with { Keys = k };
        }).ToList();
        return Plan.Definition with { Stages = stages };
    }

    /// <summary>Waits (up to <paramref name="seconds"/>) until <paramref name="condition"/> holds.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"not within {seconds} s: {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await View.DisposeAsync();
        _stop.Cancel();
        await _run;
        Client.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }
}

internal static class Repo
{
    /// <summary>The checkout's root (the folder holding ConvStream.sln).</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ConvStream.sln"))) return d.FullName;
        throw new InvalidOperationException("ConvStream.sln not found above the test folder");
    }
}
