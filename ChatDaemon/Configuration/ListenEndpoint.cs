using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatDaemon.Configuration;

/// <summary>
/// One listener: <c>PROTOCOL=ENDPOINT</c>, where ENDPOINT is <c>HOST:PORT</c>, <c>[IPv6]:PORT</c> or <c>unix:/path</c>,
/// and PROTOCOL is <c>chat</c>, <c>irc</c> or <c>echo</c>, or <c>chat+tls</c> or <c>irc+tls</c> for the same over TLS.
/// </summary>
public sealed record ListenEndpoint(ListenerProtocol Protocol, EndPoint EndPoint, bool Tls = false)
{
    public static ListenEndpoint DefaultChat { get; } = new(ListenerProtocol.Chat, new IPEndPoint(IPAddress.Loopback, 2323));

    public static ListenEndpoint DefaultEcho { get; } = new(ListenerProtocol.Echo, new IPEndPoint(IPAddress.Loopback, 2307));

    /// <summary>A stable text form, used to compare listeners across reloads and in logs.</summary>
    public string Key => $"{ListenerName(Protocol, Tls)}={FormatEndPoint(EndPoint)}";

    /// <summary>"chat", "irc+tls": a listener's protocol as written in <c>Listen</c> and in FileDescriptorName=.</summary>
    public static string ListenerName(ListenerProtocol protocol, bool tls) => tls ? ProtocolName(protocol) + TlsSuffix : ProtocolName(protocol);

    private const string TlsSuffix = "+tls";

    /// <summary>Reads "chat", "irc", "echo", "chat+tls" or "irc+tls" (echo has no TLS form).</summary>
    public static bool TryParseListenerName(string text, out ListenerProtocol protocol, out bool tls)
    {
        string name = text.Trim().ToLowerInvariant();
        tls = name.EndsWith(TlsSuffix, StringComparison.Ordinal);
        if (tls)
        {
            name = name[..^TlsSuffix.Length];
        }

        return TryParseProtocol(name, out protocol) && !(tls && protocol == ListenerProtocol.Echo);
    }

    public override string ToString() => Key;

    public static string ProtocolName(ListenerProtocol protocol) => protocol switch
    {
        ListenerProtocol.Chat => "chat",
        ListenerProtocol.Echo => "echo",
        ListenerProtocol.Irc => "irc",
        _ => protocol.ToString().ToLowerInvariant(),
    };

    public static bool TryParseProtocol(string text, out ListenerProtocol protocol)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "chat": protocol = ListenerProtocol.Chat; return true;
            case "echo": protocol = ListenerProtocol.Echo; return true;
            case "irc": protocol = ListenerProtocol.Irc; return true;
            default: protocol = default; return false;
        }
    }

    public static string FormatEndPoint(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint unix => "unix:" + unix,
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenEndpoint? endpoint, out string error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty listener; expected PROTOCOL=ENDPOINT, e.g. chat=127.0.0.1:2323";
            return false;
        }

        int eq = text.IndexOf('=');
        if (eq <= 0)
        {
            error = $"'{text}': expected PROTOCOL=ENDPOINT, e.g. chat=127.0.0.1:2323";
            return false;
        }

        if (!TryParseListenerName(text[..eq], out var protocol, out bool tls))
        {
            error = $"'{text}': unknown protocol '{text[..eq]}' (expected chat, irc, echo, chat+tls or irc+tls)";
            return false;
        }

        if (!TryParseEndPoint(text[(eq + 1)..].Trim(), out var ep, out error))
        {
            error = $"'{text}': {error}";
            return false;
        }

        endpoint = new ListenEndpoint(protocol, ep, tls);
        error = "";
        return true;
    }

    public static bool TryParseEndPoint(string text, [NotNullWhen(true)] out EndPoint? endPoint, out string error)
    {
        endPoint = null;
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            string path = text[5..];
            if (path.Length == 0 || path[0] != '/')
            {
                error = "a unix socket path must be absolute (unix:/run/chatdaemon/chat.sock)";
                return false;
            }

            // sockaddr_un.sun_path holds 108 bytes including the terminating NUL (unix(7)).
            if (System.Text.Encoding.UTF8.GetByteCount(path) > 107)
            {
                error = "a unix socket path may be at most 107 bytes long (unix(7))";
                return false;
            }

            endPoint = new UnixDomainSocketEndPoint(path);
            error = "";
            return true;
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = "expected HOST:PORT, [IPv6]:PORT or unix:/path";
            return false;
        }

        string host = text[..colon];
        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            error = $"invalid port '{portText}' (0 to 65535)";
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            error = "an IPv6 address must be written in brackets: [::1]:2323";
            return false;
        }

        IPAddress? address = host switch
        {
            "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };

        if (address is null)
        {
            // Names other than localhost are refused rather than resolved: a daemon that binds
            // whatever DNS says at boot time is a surprise waiting to happen.
            error = $"'{host}' is not an IP address (use 0.0.0.0, [::], 127.0.0.1, localhost ...)";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        error = "";
        return true;
    }
}
