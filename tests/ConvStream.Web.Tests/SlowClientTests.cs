using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConvStream.Web.Tests;

/// <summary>
/// A flood of stream clients that never read (loopback only, bounded: 40 clients, a few seconds,
/// at most three rounds) must not slow the pipeline or grow its memory: each client is sent the
/// newest picture when its socket takes more, never a queue of them, and the picture is encoded
/// once for all of them. Stated bound: the managed heap grows by less than 16 MB and the frame pool
/// by at most 2 frames (the watched stage's slot and the one being encoded), whatever the number of
/// clients. The frame rate with the flood is compared with the rate just before it; on a machine
/// shared with other work a round can be disturbed, so up to three rounds are tried and one must
/// show it unchanged (within 15 %).
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class SlowClientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Clients = 40;
    private const long HeapBound = 16L << 20;

    [Fact]
    public async Task Slow_clients_neither_slow_the_pipeline_nor_grow_its_memory()
    {
        await using var p = await TestPipeline.StartAsync();
        var blur = p.Runner.Nodes.First(n => n.Name == "blur");
        await Task.Delay(2000);   // past the start (tiered JIT, first pictures)
        var rounds = new List<(double Before, double During)>();
        for (int round = 0; round < 3; round++)
        {
            double before = await RateAsync(blur);
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            int poolBefore = p.Runner.Pool.Created;
            var clients = new List<TcpClient>();
            try
            {
                for (int i = 0; i < Clients; i++)
                {
                    // A tiny receive window and no reads: the server's writes stall almost at once.
                    var c = new TcpClient { ReceiveBufferSize = 1024 };
                    await c.ConnectAsync(IPAddress.Loopback, p.View.Port);
                    await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /stream/blur HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                    clients.Add(c);
                }
                await TestPipeline.Eventually(async () => await Watchers(p) == Clients, $"{Clients} watchers of blur");
                await Task.Delay(1000);   // let every socket buffer fill
                double during = await RateAsync(blur);

                // A client that does read still gets new pictures meanwhile.
                using (var r = await p.Client.GetAsync("stream/blur", HttpCompletionOption.ResponseHeadersRead))
                {
                    await using var body = await r.Content.ReadAsStreamAsync();
                    var parts = await MultipartReader.ReadPartsAsync(body, LiveView.Boundary, 5);
                    var indexes = parts.Select(x => long.Parse(x.Headers["X-Frame-Index"])).ToList();
                    Assert.Equal(indexes.Order(), indexes);
                    Assert.Equal(5, indexes.Distinct().Count());
                }
                long heapDuring = GC.GetTotalMemory(forceFullCollection: true);
                int poolDuring = p.Runner.Pool.Created;
                output.WriteLine($"round {round + 1}: blur {before:0.0} frames/s alone, {during:0.0} with {Clients} slow clients; heap +{(heapDuring - heapBefore) / 1e6:0.00} MB; pool {poolBefore} -> {poolDuring} frames");
                Assert.True(heapDuring - heapBefore < HeapBound, $"managed heap grew by {(heapDuring - heapBefore) / 1e6:0.0} MB with {Clients} slow clients");
                Assert.True(poolDuring - poolBefore <= 2, $"the frame pool grew from {poolBefore} to {poolDuring} frames");
                rounds.Add((before, during));
                if (during >= 0.85 * before) break;
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }
            // Once they are gone, nobody watches: the stage costs nothing again.
            await TestPipeline.Eventually(async () => await Watchers(p) == 0, "watchers back to 0");
        }
        Assert.True(rounds.Any(r => r.During >= 0.85 * r.Before),
            $"blur ran slower with {Clients} slow clients in every round: {string.Join("; ", rounds.Select(r => $"{r.Before:0.0} alone, {r.During:0.0} flooded"))} frames/s");
    }

    [Fact]
    public async Task Streams_beyond_the_limit_are_refused_with_503_not_queued()
    {
        await using var p = await TestPipeline.StartAsync();
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < LiveView.MaxStreams; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, p.View.Port);
                await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /stream/{(i % 2 == 0 ? "edges" : "source")} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                clients.Add(c);
            }
            await TestPipeline.Eventually(async () =>
            {
                var stats = await p.GetJsonAsync("api/stats");
                return (int)stats["source"]!["watchers"]! + (int)stats["stages"]![1]!["watchers"]! == LiveView.MaxStreams;
            }, $"{LiveView.MaxStreams} streams open");
            using var refused = await p.Client.GetAsync("stream/blur", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains($"at most {LiveView.MaxStreams}", await refused.Content.ReadAsStringAsync());
            // Everything else still answers.
            Assert.NotNull(await p.GetJsonAsync("api/pipeline"));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
        // Once some close, streams are served again.
        await TestPipeline.Eventually(async () =>
        {
            using var r = await p.Client.GetAsync("stream/blur", HttpCompletionOption.ResponseHeadersRead);
            return r.StatusCode == HttpStatusCode.OK;
        }, "a stream served after the others closed");
    }

    private static async Task<int> Watchers(TestPipeline p) => (int)(await p.GetJsonAsync("api/stats"))["stages"]![0]!["watchers"]!;

    /// <summary>Frames per second the stage produced over the next 3 s.</summary>
    private static async Task<double> RateAsync(ConvStream.Pipeline.Metrics.StageMetrics m)
    {
        long start = m.FramesOut;
        var t = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(3000);
        return (m.FramesOut - start) / t.Elapsed.TotalSeconds;
    }
}

/// <summary>Tests that compare frame rates run alone, after the others, so other tests' pipelines do not load the cores meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
