using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConvStream.Engine;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Video;
using ConvStream.Web.Api;
using ConvStream.Web.Control;
using ConvStream.Web.Frames;
using ConvStream.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ConvStream.Web;

/// <summary>
/// The browser view of a running pipeline (<c>convstream run … --web</c>): a Kestrel server in the
/// pipeline's own process. Create it before the <see cref="PipelineRunner"/> (its <see cref="Tap"/>
/// goes into the run options), then <see cref="StartAsync"/> with the runner; dispose it after the
/// run to end open streams and stop the server. Endpoints: <c>/</c> (the page), <c>/api/pipeline</c>,
/// <c>/api/stats</c>, <c>/stream/{node}</c> (MJPEG), <c>/snapshot/{node}.jpg|.png</c>,
/// <c>PUT /api/stages/{stage}</c>, <c>POST /api/save</c>, <c>/metrics</c> (Prometheus).
/// </summary>
public sealed class LiveView : IAsyncDisposable
{
    /// <summary>Stream clients served at once; more get 503 (each costs at most one picture and a socket buffer).</summary>
    public const int MaxStreams = 64;
    public const string Boundary = "convstream-frame";
    private static readonly TimeSpan SnapshotWait = TimeSpan.FromSeconds(5);

    private readonly WebBind _bind;
    private readonly PipelinePlan _plan;
    private readonly VideoInfo _source;
    private readonly string _sourceText;
    private readonly LiveFrames _frames;
    private readonly AccessGate _gate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly byte[] _page;
    private LivePipeline? _live;
    private StatsSampler? _sampler;
    private IReadOnlyList<StageMetrics> _nodes = [];
    private WebApplication? _app;
    private MeterProvider? _metrics;
    private int _streams;

    public LiveView(WebBind bind, PipelinePlan plan, VideoInfo source, string sourceText)
    {
        _bind = bind;
        _plan = plan;
        _source = source;
        _sourceText = sourceText;
        _frames = new LiveFrames(plan);
        _gate = new AccessGate(bind);
        using var page = typeof(LiveView).Assembly.GetManifestResourceStream("ConvStream.Web.index.html")
            ?? throw new InvalidOperationException("the page is not embedded in ConvStream.Web");
        using var ms = new MemoryStream();
        page.CopyTo(ms);
        _page = ms.ToArray();
    }

    /// <summary>Give this to <see cref="RunOptions.FrameTap"/>.</summary>
    public IFrameTap Tap => _frames;

    /// <summary>The address to open (with <c>?token=</c> when a token is needed); set once started.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The port listened on (the one picked when 0 was asked).</summary>
    public int Port { get; private set; }

    public Task StartAsync(PipelineRunner runner, CancellationToken cancellationToken = default)
        => StartAsync(runner.Nodes, new RunnerStageControl(runner), cancellationToken);

    public async Task StartAsync(IReadOnlyList<StageMetrics> nodes, IStageControl control, CancellationToken cancellationToken = default)
    {
        _nodes = nodes;
        _live = new LivePipeline(_plan, control);
        _sampler = new StatsSampler(nodes);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        // The command owns Ctrl+C (it drains the pipeline first); the host must not react to it on its own.
        builder.Services.AddSingleton<IHostLifetime, CommandOwnedLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = MaxStreams + 64;
            k.Limits.MaxRequestBodySize = 64 * 1024;
            k.Listen(_bind.Address, _bind.Port);
        });
        _metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("convstream"))
            .AddMeter(PipelineMeter.Name)
            .AddView(i => i.Meter.Name == PipelineMeter.Name && i is System.Diagnostics.Metrics.Histogram<double>
                // Milliseconds: stage times from tens of microseconds to a frame period and beyond.
                ? new ExplicitBucketHistogramConfiguration { Boundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 33, 66, 100, 250, 500, 1000] }
                : null)
            .AddPrometheusExporter()
            .Build();

        var app = builder.Build();
        app.Use(GuardAsync);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(_metrics, null, "/metrics", null, null);
        app.MapGet("/", ServePage);
        app.MapGet("/api/pipeline", (HttpContext c) => Json(c, 200, ApiJson.Pipeline(_live, _plan, _source, _sourceText)));
        app.MapGet("/api/stats", (HttpContext c) => Json(c, 200, ApiJson.Stats(_nodes, _sampler, Stopwatch.GetElapsedTime(_started), n => _frames.Find(n)?.Watchers ?? 0)));
        app.MapGet("/stream/{node}", StreamAsync);
        app.MapGet("/snapshot/{file}", (Delegate)SnapshotAsync);
        app.MapPut("/api/stages/{stage}", (Delegate)ChangeAsync);
        app.MapPost("/api/save", (Delegate)SaveAsync);
        app.MapFallback((HttpContext c) => Json(c, 404, Error($"no such resource: {c.Request.Method} {c.Request.Path}")));
        try { await app.StartAsync(cancellationToken).ConfigureAwait(false); }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            _metrics.Dispose();
            _metrics = null;
            throw new ConvStreamException($"--web {_bind.Address}:{_bind.Port}: cannot listen there ({e.Message})", e);
        }
        _app = app;

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Port = new Uri(addresses.First().Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "[::1]")).Port;
        string host = _bind.Address.Equals(IPAddress.Any) || _bind.Address.Equals(IPAddress.IPv6Any)
            ? Dns.GetHostName()
            : _bind.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_bind.Address}]" : _bind.Address.ToString();
        Url = $"http://{host}:{Port}/" + (_bind.Token is { } t ? $"?token={Uri.EscapeDataString(t)}" : "");
    }

    private async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        if (_gate.Check(context) is { } refused)
        {
            if (refused.Status == 401) context.Response.Headers.WWWAuthenticate = "Bearer";
            await Json(context, refused.Status, Error(refused.Error)).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // The client left or the view is stopping: nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // Never a stack trace: one line, as the command line gives.
            string message = e is ConvStreamException ? e.Message : $"internal error: {e.GetType().Name}: {e.Message}";
            await Json(context, 500, Error(message)).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    private IResult ServePage(HttpContext context)
        => Results.Bytes(_page, "text/html; charset=utf-8");

    private async Task StreamAsync(HttpContext context, string node)
    {
        if (_frames.Find(node) is not { } frames)
        {
            await NotFound(context, node).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        if (Interlocked.Increment(ref _streams) > MaxStreams)
        {
            Interlocked.Decrement(ref _streams);
            await Json(context, 503, Error($"too many streams open (at most {MaxStreams}); close some views")).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            using var watch = frames.Watch();
            context.Response.ContentType = $"multipart/x-mixed-replace; boundary={Boundary}";
            var body = context.Response.Body;
            await body.FlushAsync(stop.Token).ConfigureAwait(false);
            long sent = 0;
            while (!stop.IsCancellationRequested)
            {
                var picture = await frames.NextAsync(sent, stop.Token).ConfigureAwait(false);
                sent = picture.Sequence;
                var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {picture.Jpeg.Length}\r\nX-Frame-Index: {picture.FrameIndex}\r\n\r\n");
                await body.WriteAsync(head, stop.Token).ConfigureAwait(false);
                await body.WriteAsync(picture.Jpeg, stop.Token).ConfigureAwait(false);
                await body.WriteAsync("\r\n"u8.ToArray(), stop.Token).ConfigureAwait(false);
                // Waits while the client reads slowly; meanwhile newer pictures replace each other and it gets the newest.
                await body.FlushAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }

    private async Task<IResult> SnapshotAsync(HttpContext context, string file)
    {
        string ext = Path.GetExtension(file).ToLowerInvariant();
        string node = Path.GetFileNameWithoutExtension(file);
        if (ext is not (".jpg" or ".jpeg" or ".png"))
            return Json(context, 404, Error($"snapshot '{file}': expected NAME.jpg or NAME.png"));
        if (_frames.Find(node) is not { } frames) return NotFound(context, node);
        bool png = ext == ".png";
        using var watch = frames.Watch(png);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        stop.CancelAfter(SnapshotWait);
        // A picture made after this request (so a change just made is in it), with a PNG when one is asked for.
        long after = frames.Latest?.Sequence ?? 0;
        Picture? picture = null;
        try
        {
            do picture = await frames.NextAsync(picture?.Sequence ?? after, stop.Token).ConfigureAwait(false);
            while (png && picture.Png is null);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            picture = frames.Latest is { } last && (!png || last.Png is not null) ? last : null;
            if (picture is null)
                return Json(context, 503, Error($"'{node}' produced no frame in {SnapshotWait.TotalSeconds:0} s (has the pipeline ended?)"));
        }
        context.Response.Headers["X-Frame-Index"] = picture.FrameIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return png ? Results.Bytes(picture.Png!, "image/png") : Results.Bytes(picture.Jpeg, "image/jpeg");
    }

    private async Task<IResult> ChangeAsync(HttpContext context, string stage)
    {
        var live = _live!;
        if (live.Stage(stage) is null) return NotFound(context, stage, stagesOnly: true);
        JsonObject changes;
        try
        {
            changes = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject
                ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Json(context, 400, Error($"{live.FileName}: stage '{stage}': expected a JSON object of parameter values such as {{\"sigma\": 2.5}}"));
        }
        try
        {
            var parameters = await live.ChangeAsync(stage, changes, context.RequestAborted).ConfigureAwait(false);
            var p = new JsonObject();
            foreach (var (k, v) in parameters.OrderBy(x => x.Key, StringComparer.Ordinal)) p[k] = LivePipeline.ValueNode(v);
            return Json(context, 200, new JsonObject { ["name"] = stage, ["params"] = p });
        }
        catch (ConvStreamException e)
        {
            return Json(context, 400, Error(e.Message));
        }
    }

    private async Task<IResult> SaveAsync(HttpContext context)
    {
        var live = _live!;
        string name = Path.GetFileNameWithoutExtension(live.FileName) + ".edited.json";
        bool overwrite = false;
        try
        {
            if (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) is JsonObject o)
            {
                if (o["file"] is { } f) name = f is JsonValue v && v.TryGetValue(out string? s) ? s : throw new JsonException("file");
                if (o["overwrite"] is { } w) overwrite = w is JsonValue v && v.TryGetValue(out bool b) ? b : throw new JsonException("overwrite");
            }
        }
        catch (JsonException)
        {
            return Json(context, 400, Error("save: expected a JSON object {\"file\": \"NAME.json\", \"overwrite\": false}"));
        }
        try
        {
            string path = await live.SaveAsync(name, overwrite, context.RequestAborted).ConfigureAwait(false);
            return Json(context, 200, new JsonObject { ["saved"] = path, ["file"] = Path.GetFileName(path) });
        }
        catch (FileExistsException e)
        {
            return Json(context, 409, new JsonObject { ["error"] = e.Message, ["exists"] = true });
        }
        catch (ConvStreamException e)
        {
            return Json(context, 400, Error(e.Message));
        }
    }

    private IResult NotFound(HttpContext context, string node, bool stagesOnly = false)
    {
        var names = (stagesOnly ? [] : new[] { PipelineFile.SourceName }).Concat(_plan.Stages.Select(s => s.Name));
        return Json(context, 404, Error($"no stage '{node}'; expected {string.Join(", ", names)}"));
    }

    private static JsonObject Error(string message) => new() { ["error"] = message };

    private static IResult Json(HttpContext context, int status, JsonNode body)
        => Results.Text(body.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, status);

    /// <summary>Ends open streams and stops the server (a few seconds at most), then the encoders.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        _metrics?.Dispose();
        if (_sampler is not null) await _sampler.DisposeAsync().ConfigureAwait(false);
        await _frames.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>A host lifetime that leaves signals to the command.</summary>
    private sealed class CommandOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
