using System.Text;

namespace ConvStream.Web.Tests;

/// <summary>Reads parts of a <c>multipart/x-mixed-replace</c> body as a browser does: boundary line, headers, Content-Length bytes.</summary>
internal static class MultipartReader
{
    public sealed record Part(Dictionary<string, string> Headers, byte[] Body);

    public static async Task<List<Part>> ReadPartsAsync(Stream body, string boundary, int count)
    {
        var parts = new List<Part>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (parts.Count < count)
        {
            string line = await ReadLineAsync(body, timeout.Token);
            if (line.Length == 0) continue;   // the CRLF after a part's bytes
            Assert.Equal("--" + boundary, line);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (string h; (h = await ReadLineAsync(body, timeout.Token)).Length > 0;)
            {
                int colon = h.IndexOf(':');
                headers[h[..colon].Trim()] = h[(colon + 1)..].Trim();
            }
            var bytes = new byte[int.Parse(headers["Content-Length"])];
            await body.ReadExactlyAsync(bytes, timeout.Token);
            parts.Add(new Part(headers, bytes));
        }
        return parts;
    }

    private static async Task<string> ReadLineAsync(Stream s, CancellationToken ct)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            await s.ReadExactlyAsync(one, ct);
            if (one[0] == '\n') return sb.ToString().TrimEnd('\r');
            sb.Append((char)one[0]);
        }
    }
}
