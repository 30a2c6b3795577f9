using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Bench.Consume;

/// <summary>
/// One keep-alive HTTP/1.1 connection on a blocking socket, as wrk keeps them: it writes requests
/// serialized up front and reads each response whole (status line, headers, and a Content-Length
/// or chunked body), allocating nothing per request.
/// </summary>
/// <remarks>
/// The load generator shares the machine's two cores with the servers it measures, so what it
/// spends per request is taken from them. HttpClient spent about 40 µs of CPU and 3.5 KB of garbage
/// per request here (a request message, headers, a Uri, a buffered response), and its GC pauses ran
/// through every in-flight request's clock. This costs two system calls and a wake-up.
/// </remarks>
internal sealed class HttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end; // the bytes received and not yet parsed

    public HttpConnection(IPEndPoint server)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(server);
    }

    /// <summary>A POST with a JSON body, serialized once and sent as often as needed.</summary>
    public static byte[] Post(Uri server, string path, byte[] json, string? apiKey, string? idempotencyKey = null)
    {
        var head = new StringBuilder()
            .Append($"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\n")
            .Append(apiKey is null ? "" : $"X-Api-Key: {apiKey}\r\n")
            .Append(idempotencyKey is null ? "" : $"Idempotency-Key: {idempotencyKey}\r\n")
            .Append($"Content-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. json];
    }

    public void Send(byte[] request)
    {
        for (var sent = 0; sent < request.Length;)
            sent += _socket.Send(request, sent, request.Length - sent, SocketFlags.None);
    }

    /// <summary>Blocks until one whole response has arrived; its status code, and its body when it is not 200 or is asked for.</summary>
    /// <exception cref="IOException">The server closed the connection, or sent something that is not HTTP/1.1.</exception>
    public int ReceiveResponse(out string? failureBody) => ReceiveResponse(out failureBody, keepBody: false);

    public int ReceiveResponse(out string? body, bool keepBody)
    {
        int headerLength;
        while ((headerLength = Unparsed.IndexOf(HeaderEnd)) < 0) ReceiveMore();
        var head = Unparsed[..headerLength];
        if (!head.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new IOException($"Not an HTTP/1.1 response: {Encoding.ASCII.GetString(head[..Math.Min(head.Length, 80)])}");
        var contentLength = -1;
        var chunked = false;
        for (var rest = head.IndexOf("\r\n"u8) is var statusEnd and >= 0 ? head[(statusEnd + 2)..] : default; !rest.IsEmpty;)
        {
            var end = rest.IndexOf("\r\n"u8) is var eol and >= 0 ? eol : rest.Length;
            var line = rest[..end];
            rest = rest[Math.Min(rest.Length, end + 2)..];
            if (line.IndexOf((byte)':') is not (var colon and >= 0)) continue;
            ReadOnlySpan<byte> name = line[..colon], value = line[(colon + 1)..];
            name = name[Ascii.Trim(name)];
            value = value[Ascii.Trim(value)];
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !Utf8Parser.TryParse(value, out contentLength, out _))
                throw new IOException("The response's Content-Length is not a number.");
            if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
        }
        _start += headerLength + HeaderEnd.Length;
        var text = status == 200 && !keepBody ? null : new StringBuilder();
        if (chunked) ReadChunked(text);
        else if (contentLength > 0) ReadExactly(contentLength, text);
        body = text?.ToString();
        return status;
    }

    private ReadOnlySpan<byte> Unparsed => _buffer.AsSpan(_start, _end - _start);

    private void ReadChunked(StringBuilder? body)
    {
        while (true)
        {
            int lineLength;
            while ((lineLength = Unparsed.IndexOf("\r\n"u8)) < 0) ReceiveMore();
            if (!Utf8Parser.TryParse(Unparsed[..lineLength], out int size, out _, 'x'))
                throw new IOException("A chunk of the response has no valid size.");
            _start += lineLength + 2;
            ReadExactly(size + 2, body, trailing: 2); // the chunk and its CRLF
            if (size == 0) return; // Kestrel sends no trailers
        }
    }

    private void ReadExactly(int length, StringBuilder? body, int trailing = 0)
    {
        if (length > _buffer.Length) throw new IOException($"A response body of {length:N0} bytes does not fit the buffer.");
        while (_end - _start < length) ReceiveMore();
        body?.Append(Encoding.UTF8.GetString(_buffer, _start, length - trailing));
        _start += length;
    }

    private void ReceiveMore()
    {
        if (_start == _end) _start = _end = 0;
        else if (_end == _buffer.Length)
        {
            if (_start == 0) throw new IOException("A response head does not fit the buffer.");
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_start, _end) = (0, _end - _start);
        }
        var received = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (received == 0) throw new IOException("The server closed the connection.");
        _end += received;
    }

    /// <summary>Wakes a thread blocked in <see cref="ReceiveResponse"/>: it sees the connection closed.</summary>
    public void Shutdown()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
    }

    public void Dispose() => _socket.Dispose();
}
