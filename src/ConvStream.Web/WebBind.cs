using System.Globalization;
using System.Net;
using ConvStream.Engine;

namespace ConvStream.Web;

/// <summary>
/// Where the live view listens (<c>--web [HOST:]PORT</c>) and who may connect. The default host is
/// 127.0.0.1. A loopback bind (127.0.0.0/8, ::1, localhost) needs no token; any other address
/// needs one, and then every request must present it.
/// </summary>
public sealed record WebBind(IPAddress Address, int Port, string? Token)
{
    public const int MinTokenLength = 8;

    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>Parses <c>PORT</c>, <c>HOST:PORT</c> or <c>[IPv6]:PORT</c>; HOST is an IP address or localhost. Port 0 picks a free port.</summary>
    public static WebBind Parse(string text, string? token)
    {
        string t = text.Trim();
        string host = "127.0.0.1", port = t;
        int colon = t.LastIndexOf(':');
        if (colon >= 0)
        {
            host = t[..colon];
            port = t[(colon + 1)..];
            if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p > 65535)
            throw new ConvStreamException($"--web '{text}': port '{port}' must be a number from 0 to 65535; expected [HOST:]PORT such as 8080 or 127.0.0.1:8080");
        IPAddress address;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) address = IPAddress.Loopback;
        else if (host is "*" or "") address = IPAddress.Any;
        else if (!IPAddress.TryParse(host, out address!))
            throw new ConvStreamException($"--web '{text}': host '{host}' is not an IP address; expected 127.0.0.1 (this machine only), 0.0.0.0 (every interface, needs --token) or another address of this machine");
        if (token is not null && token.Length < MinTokenLength)
            throw new ConvStreamException($"--token: a token of at least {MinTokenLength} characters is needed (it is the only thing between the network and your pipeline)");
        var bind = new WebBind(address, p, token);
        if (!bind.IsLoopback && token is null)
            throw new ConvStreamException($"--web {text}: listening on {address}, which other machines can reach, needs --token TOKEN (every request must then carry it); or bind 127.0.0.1 and use an SSH tunnel");
        return bind;
    }
}
