using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConvStream.Web.Tests;

/// <summary>
/// The page in a real browser: Playwright for .NET driving Debian's chromium (Playwright's own
/// browser download cannot run here). Every tile's picture moves; a parameter changed through the
/// page changes the picture and /api/pipeline; a bad value shows the pipeline file's message on the
/// page. A screenshot is saved as a test artifact (artifacts/test-results/web-view.png).
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    /// <summary>Debian's chromium, or the browser CONVSTREAM_CHROMIUM names (another system's Chromium or Chrome).</summary>
    public static readonly string Chromium = Environment.GetEnvironmentVariable("CONVSTREAM_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    // Draws an <img> (the MJPEG stream's current frame) into a canvas: a hash of its pixels, and the
    // mean squared difference of horizontal neighbours (the energy of edges: high for sharp pictures,
    // low for blurred ones; an absolute difference would not do, a blurred step keeps its total variation).
    private const string Measure = """
        img => {
          const c = document.createElement("canvas");
          c.width = img.naturalWidth; c.height = img.naturalHeight;
          if (!c.width) return null;
          const g = c.getContext("2d");
          g.drawImage(img, 0, 0);
          const d = g.getImageData(0, 0, c.width, c.height).data;
          let hash = 0, diff = 0, n = 0;
          for (let i = 0; i < d.length; i += 4) {
            hash = (hash * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) | 0;
            if ((i / 4) % c.width !== 0) { diff += (d[i] - d[i - 4]) ** 2 + (d[i + 1] - d[i - 3]) ** 2 + (d[i + 2] - d[i - 2]) ** 2; n++; }
          }
          return { width: c.width, height: c.height, hash, sharpness: diff / n / 3 };
        }
        """;

    [Fact]
    public async Task The_page_shows_every_stage_live_and_changes_parameters()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        await using var p = await TestPipeline.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = Flags, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var pageErrors = new List<string>();
        page.PageError += (_, e) => pageErrors.Add(e);
        await page.GotoAsync(p.BaseUrl);

        // A tile per node, each picture moving.
        string[] nodes = ["source", "blur", "edges", "emboss", "pooled"];
        await page.Locator("section.tile").Nth(nodes.Length - 1).WaitForAsync();
        Assert.Equal(nodes.Length, await page.Locator("section.tile").CountAsync());
        foreach (var node in nodes)
        {
            var img = page.Locator($"section[data-node='{node}'] img.picture");
            var first = await Picture(img, node);
            var stage = p.Plan.Stages.FirstOrDefault(s => s.Name == node);
            var shape = stage?.Output ?? p.Plan.SourceFormat;
            Assert.Equal((shape.Width, shape.Height), ((int)first.Width, (int)first.Height));
            await TestPipeline.Eventually(async () => (await Picture(img, node)).Hash != first.Hash, $"the picture of '{node}' changes");
        }
        // Statistics arrive and the chart has drawn.
        await TestPipeline.Eventually(async () => (await page.Locator("section[data-node='blur'] .stats").InnerTextAsync()).Contains("compute p99"), "blur's statistics on the page");

        // Blur harder through the page: the picture gets smoother and /api/pipeline says so.
        var blurImg = page.Locator("section[data-node='blur'] img.picture");
        double sharpBefore = await MeanSharpness(blurImg);
        await SetParam(page, "blur", "size", "21");
        // sigma through its slider, as a user drags it.
        await page.Locator("section[data-node='blur'] input[aria-label='sigma slider']").FillAsync("6");
        await TestPipeline.Eventually(async () =>
        {
            var ps = (await p.GetJsonAsync("api/pipeline"))["stages"]![0]!["params"]!;
            return (double)ps["sigma"]! == 6 && (double)ps["size"]! == 21;
        }, "sigma 6 and size 21 in /api/pipeline");
        await Task.Delay(300);
        double sharpAfter = await MeanSharpness(blurImg);
        output.WriteLine($"blur sharpness (mean squared horizontal difference): {sharpBefore:0.00} at size 9 sigma 2, {sharpAfter:0.00} at size 21 sigma 6");
        Assert.True(sharpAfter < 0.6 * sharpBefore, $"the blur picture did not get smoother: {sharpBefore:0.00} → {sharpAfter:0.00}");
        Assert.Equal("", await page.Locator("section[data-node='blur'] .error").InnerTextAsync());

        // A bad value: the pipeline file's own message, on the page; the stage keeps running as it was.
        await SetParam(page, "blur", "size", "4");
        var error = page.Locator("section[data-node='blur'] .error");
        await TestPipeline.Eventually(async () => (await error.InnerTextAsync()).Length > 0, "an error message on the page");
        string message = await error.InnerTextAsync();
        Assert.StartsWith("demo.json: stage 'blur': ", message);
        Assert.Contains("must be an odd number", message);
        Assert.Contains("got 4", message);
        Assert.Equal(21, (double)(await p.GetJsonAsync("api/pipeline"))["stages"]![0]!["params"]!["size"]!);

        string artifacts = Path.Combine(Repo.Root, "artifacts", "test-results");
        Directory.CreateDirectory(artifacts);
        string shot = Path.Combine(artifacts, "web-view.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
        Assert.True(new FileInfo(shot).Length > 10_000);
        Assert.Empty(pageErrors);
    }

    private static async Task SetParam(IPage page, string stage, string key, string value)
    {
        var input = page.Locator($"section[data-node='{stage}'] input[data-param='{key}']");
        await input.FillAsync(value);
        await input.DispatchEventAsync("change");
    }

    private static async Task<(double Width, double Height, double Hash, double Sharpness)> Picture(ILocator img, string node)
    {
        (double, double, double, double)? result = null;
        await TestPipeline.Eventually(async () =>
        {
            var m = await img.EvaluateAsync(Measure);
            if (m is null || m.Value.ValueKind == System.Text.Json.JsonValueKind.Null) return false;
            var v = m.Value;
            result = (v.GetProperty("width").GetDouble(), v.GetProperty("height").GetDouble(), v.GetProperty("hash").GetDouble(), v.GetProperty("sharpness").GetDouble());
            return true;
        }, $"a picture in the '{node}' tile");
        return result!.Value;
    }

    /// <summary>Over several frames: the moving pattern shows a different part of itself in each.</summary>
    private static async Task<double> MeanSharpness(ILocator img)
    {
        double sum = 0;
        for (int i = 0; i < 5; i++)
        {
            sum += (await Picture(img, "blur")).Sharpness;
            await Task.Delay(100);
        }
        return sum / 5;
    }
}
