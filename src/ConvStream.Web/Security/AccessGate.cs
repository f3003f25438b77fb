using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ConvStream.Web.Security;

/// <summary>
/// Who may use the live view. With a token, every request must carry it: an
/// <c>Authorization: Bearer TOKEN</c> header, a <c>?token=</c> query on a GET (the page's URL, an
/// <c>&lt;img&gt;</c> stream), or the cookie the page sets when opened with the query; else 401.
/// Requests that change something (PUT, POST) must, when they say where they come from
/// (<c>Origin</c>, which browsers always send for them), come from the page's own origin, else 403:
/// another site open in the same browser cannot drive the pipeline. On a loopback bind the
/// <c>Host</c> must be a loopback name, which defeats DNS rebinding (a hostile name resolving to
/// 127.0.0.1 would otherwise be the page's "own" origin).
/// </summary>
internal sealed class AccessGate(WebBind bind)
{
    public const string CookieName = "convstream_token";
    private readonly byte[]? _token = bind.Token is null ? null : Encoding.UTF8.GetBytes(bind.Token);

    /// <summary>Null when the request may go on; else the status and one-line reason.</summary>
    public (int Status, string Error)? Check(HttpContext context)
    {
        var request = context.Request;
        if (bind.IsLoopback && !IsLoopbackHost(request.Host.Host))
            return (StatusCodes.Status403Forbidden, $"host '{request.Host.Host}' is not this machine's loopback address; open the view as http://127.0.0.1:{bind.Port}/ (or through an SSH tunnel)");
        if (_token is not null)
        {
            string? presented = null;
            bool fromQuery = false;
            string authorization = request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) presented = authorization[7..].Trim();
            else if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue("token", out var q)) { presented = q.ToString(); fromQuery = true; }
            else if (request.Cookies.TryGetValue(CookieName, out var c)) presented = c;
            if (presented is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token))
                return (StatusCodes.Status401Unauthorized, presented is null
                    ? "this view needs its token: open the URL printed at start (…/?token=TOKEN) or send Authorization: Bearer TOKEN"
                    : "wrong token");
            if (fromQuery)
                context.Response.Cookies.Append(CookieName, presented, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            string own = $"{request.Scheme}://{request.Host}";
            if (!string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
                return (StatusCodes.Status403Forbidden, $"origin '{origin}' is not this page's origin '{own}'; changes are accepted from the page itself only");
        }
        return null;
    }

    private static bool IsLoopbackHost(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
           || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
