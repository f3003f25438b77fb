using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ConvStream.Engine;

namespace ConvStream.Web.Tests;

/// <summary>Who may connect: loopback by default, a token for any other bind, Host and Origin checks. Traffic goes to 127.0.0.1 only.</summary>
public sealed class AccessTests
{
    private const string Token = "s3cret-token-for-tests";

    [Theory]
    [InlineData("0.0.0.0:8080")]
    [InlineData("*:8080")]
    [InlineData("192.168.1.20:8080")]
    [InlineData("[::]:8080")]
    public void A_bind_other_machines_can_reach_needs_a_token(string bind)
    {
        var e = Assert.Throws<ConvStreamException>(() => WebBind.Parse(bind, null));
        Assert.Contains("needs --token TOKEN", e.Message);
        Assert.False(WebBind.Parse(bind, Token).IsLoopback);
    }

    [Theory]
    [InlineData("8080", "127.0.0.1", 8080)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("127.0.0.2:9000", "127.0.0.2", 9000)]
    [InlineData("[::1]:9000", "::1", 9000)]
    public void Loopback_binds_need_no_token(string text, string address, int port)
    {
        var bind = WebBind.Parse(text, null);
        Assert.Equal((IPAddress.Parse(address), port), (bind.Address, bind.Port));
        Assert.True(bind.IsLoopback);
    }

    [Theory]
    [InlineData("127.0.0.1:http", "port 'http' must be a number")]
    [InlineData("127.0.0.1:70000", "port '70000' must be a number")]
    [InlineData("example.org:80", "host 'example.org' is not an IP address")]
    public void A_bad_bind_is_one_clear_line(string text, string expected)
        => Assert.Contains(expected, Assert.Throws<ConvStreamException>(() => WebBind.Parse(text, null)).Message);

    [Fact]
    public void A_short_token_is_refused()
        => Assert.Contains("at least 8 characters", Assert.Throws<ConvStreamException>(() => WebBind.Parse("0.0.0.0:0", "short")).Message);

    [Fact]
    public async Task On_a_non_loopback_bind_every_request_needs_the_token()
    {
        // Every interface, with a token; the test only ever connects to 127.0.0.1.
        await using var p = await TestPipeline.StartAsync(bind: WebBind.Parse("0.0.0.0:0", Token));
        Assert.StartsWith("http://", p.View.Url);
        Assert.EndsWith($":{p.View.Port}/?token={Token}", p.View.Url);
        using var anonymous = new HttpClient { BaseAddress = new Uri(p.BaseUrl) };
        foreach (var path in new[] { "", "api/pipeline", "api/stats", "stream/blur", "snapshot/blur.jpg", "metrics", "no/such/page" })
        {
            using var r = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"GET /{path} without the token: {(int)r.StatusCode}");
            Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Contains("needs its token", (string)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!);
        }
        using (var put = await anonymous.PutAsync("api/stages/blur", new StringContent("{\"sigma\": 3}", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "api/stats"))
        {
            wrong.Headers.Authorization = new("Bearer", Token + "x");
            using var r = await anonymous.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        // The PUT was refused: blur still has its file's sigma.
        var blur = (await p.GetJsonAsync("api/pipeline"))["stages"]![0]!;
        Assert.Equal(2, (double)blur["params"]!["sigma"]!);

        // With the header: everything works.
        Assert.Equal(200, (await p.PutAsync("blur", "{\"sigma\": 3}")).Status);
        // The page's URL with ?token= sets a cookie, which then opens the <img> streams.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(p.BaseUrl) };
        using (var page = await browser.GetAsync($"?token={Token}"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = cookies.GetCookies(new Uri(p.BaseUrl))["convstream_token"];
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        using (var stream = await browser.GetAsync("stream/blur", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            await using var body = await stream.Content.ReadAsStreamAsync();
            Assert.Single(await MultipartReader.ReadPartsAsync(body, LiveView.Boundary, 1));
        }
        // A ?token= on a change does not count (only the header or the page's cookie do).
        using var noCookie = new HttpClient { BaseAddress = new Uri(p.BaseUrl) };
        using (var put = await noCookie.PutAsync($"api/stages/blur?token={Token}", new StringContent("{\"sigma\": 4}", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
    }

    [Fact]
    public async Task A_loopback_bind_answers_only_to_loopback_host_names()
    {
        // DNS rebinding: a hostile name resolving to 127.0.0.1 would make a hostile page "same origin".
        await using var p = await TestPipeline.StartAsync();
        foreach (var (host, expected) in new[] { ("evil.example", 403), ($"evil.example:{p.View.Port}", 403), ($"localhost:{p.View.Port}", 200), ($"127.0.0.1:{p.View.Port}", 200) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/stats");
            request.Headers.Host = host;
            using var r = await p.Client.SendAsync(request);
            Assert.True((int)r.StatusCode == expected, $"Host {host}: {(int)r.StatusCode}");
        }
    }

    [Fact]
    public async Task Errors_never_show_a_stack_trace()
    {
        await using var p = await TestPipeline.StartAsync();
        // Raw HTTP with a body that is not JSON at all and a path with odd characters.
        foreach (var (method, path, body) in new[] { ("PUT", "/api/stages/blur", "\u0001\u0002"), ("GET", "/snapshot/blur.gif", ""), ("POST", "/api/save", "{\"file\": 12}"), ("GET", "/stream/%2e%2e%2fetc", "") })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, p.View.Port);
            var s = tcp.GetStream();
            byte[] b = Encoding.UTF8.GetBytes(body);
            await s.WriteAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {b.Length}\r\nConnection: close\r\n\r\n"));
            await s.WriteAsync(b);
            string reply = await new StreamReader(s).ReadToEndAsync();
            Assert.Matches("^HTTP/1.1 (400|404|409) ", reply);
            Assert.DoesNotContain(" at ConvStream", reply);
            Assert.DoesNotContain("Exception", reply);
        }
    }
}
