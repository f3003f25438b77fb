using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ConvStream.Web.Tests;

/// <summary>
/// The real command, as the "done when" says:
/// <c>convstream run filters/pipelines/demo.json --input test:640x360@30 --live --web 127.0.0.1:PORT</c>,
/// its endpoints, then Ctrl+C (SIGINT): outputs finished, server gone, exit 130.
/// </summary>
public sealed class RunWebCommandTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "convstream.dll");

    [Fact]
    public async Task Run_with_web_serves_the_contract_and_stops_on_ctrl_c()
    {
        using var process = StartDemo("127.0.0.1:0", out string output);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            string url = await ReadUrlAsync(process);
            Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+/$", url);
            using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };
            Assert.Contains("<title>ConvStream live view</title>", await client.GetStringAsync(""));
            var pipeline = JsonNode.Parse(await client.GetStringAsync("api/pipeline"))!;
            Assert.Equal(4, pipeline["stages"]!.AsArray().Count);
            Assert.Equal("test:640x360@30", (string?)pipeline["source"]!["input"]);
            using (var r = await client.GetAsync("stream/edges", HttpCompletionOption.ResponseHeadersRead))
            {
                await using var body = await r.Content.ReadAsStreamAsync();
                var part = (await MultipartReader.ReadPartsAsync(body, LiveView.Boundary, 2))[1];
                Assert.Equal((640, 360, 1), TestPipeline.Decode(part.Body) is var (_, w, h, c) ? (w, h, c) : default);
            }
            var snapshot = TestPipeline.Decode(await client.GetByteArrayAsync("snapshot/pooled.png"));
            Assert.Equal((320, 180, 3), (snapshot.Width, snapshot.Height, snapshot.Channels));
            using (var put = await client.PutAsync("api/stages/blur", new StringContent("{\"sigma\": 3.5}", Encoding.UTF8, "application/json")))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(3.5, (double)JsonNode.Parse(await client.GetStringAsync("api/pipeline"))!["stages"]![0]!["params"]!["sigma"]!);
            Assert.Contains("stage=\"emboss\"", await client.GetStringAsync("metrics"));
            var stats = JsonNode.Parse(await client.GetStringAsync("api/stats"))!;
            Assert.True((long)stats["source"]!["frames_out"]! > 0);

            // An open stream when Ctrl+C comes: it must end, not hold the process.
            var open = await client.GetAsync("stream/blur", HttpCompletionOption.ResponseHeadersRead);
            var drain = open.Content.ReadAsStreamAsync().ContinueWith(async t => await t.Result.CopyToAsync(Stream.Null)).Unwrap();
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await stderr}");
            await drain.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });   // ended (normally or by reset), not hanging
            Assert.True(drain.IsCompleted, "the open stream did not end with the process");
            open.Dispose();
            Assert.True(new FileInfo(Path.Combine(output, "blur.mp4")).Length > 0, "blur.mp4 was not finished");
            // The server is gone with the process.
            using var tcp = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(IPAddress.Loopback, new Uri(url).Port));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { Directory.Delete(output, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public async Task A_non_loopback_bind_without_a_token_stops_before_anything_starts()
    {
        using var process = StartDemo("0.0.0.0:0", out string output);
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(1, process.ExitCode);
        Assert.Equal("convstream run: --web 0.0.0.0:0: listening on 0.0.0.0, which other machines can reach, needs --token TOKEN (every request must then carry it); or bind 127.0.0.1 and use an SSH tunnel", stderr.Trim());
        Assert.Equal("", (await stdout).Trim());
        Assert.False(Directory.Exists(output), "an output folder was created before the refusal");
    }

    /// <summary>The command on the repo's demo.json, writing into a fresh temp folder.</summary>
    private static Process StartDemo(string web, out string output)
    {
        output = Path.Combine(Path.GetTempPath(), "convstream-web-tests", Guid.NewGuid().ToString("N"));
        return Start(Repo.Root, "run", "filters/pipelines/demo.json", "--input", "test:640x360@30", "--live", "--web", web, "--output", output);
    }

    private static Process Start(string workDir, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"{Dll} is missing: the test project must reference src/ConvStream.Cli");
        var psi = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("CONVSTREAM_DEBUG");
        return Process.Start(psi)!;
    }

    private static async Task<string> ReadUrlAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            if (line.StartsWith("web view: ", StringComparison.Ordinal))
            {
                // Keep draining stdout (the summary comes at the end) so the process never blocks on it.
                _ = process.StandardOutput.ReadToEndAsync();
                return line["web view: ".Length..];
            }
        throw new InvalidOperationException("convstream ended without printing the web view's URL");
    }

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
