using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// A mail server on a loopback port that starts out silent: it accepts connections and never says a word (no greeting),
/// as a hung SMTP server does. <see cref="ComeBack"/> makes it answer new connections with enough of the SMTP
/// dialogue for MailKit (greeting, EHLO without STARTTLS, MAIL FROM, RCPT TO, DATA, QUIT) and keep what it receives;
/// connections accepted while silent stay silent until disposal.
/// </summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<TcpClient> connections = new();
    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly TaskCompletionSource silentConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task accepting;
    private volatile bool answering;

    public FakeSmtpServer()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Completes when a client has connected while the server was silent.</summary>
    public Task SilentConnectionAccepted => silentConnection.Task;

    public IReadOnlyList<MimeMessage> Received => [.. received];

    public void ComeBack() => answering = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                connections.Enqueue(client);
                if (answering)
                {
                    _ = ServeAsync(client);
                }
                else
                {
                    silentConnection.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake.test ESMTP");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (command)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 fake.test");
                        break;
                    case "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        received.Enqueue(await ReadMessageAsync(reader));
                        await writer.WriteLineAsync("250 OK: queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task<MimeMessage> ReadMessageAsync(StreamReader reader)
    {
        var message = new StringBuilder();
        while (await reader.ReadLineAsync(stop.Token) is { } line && line != ".")
        {
            // Undo the client's dot-stuffing (RFC 5321 section 4.5.2).
            message.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        return await MimeMessage.LoadAsync(new MemoryStream(Encoding.Latin1.GetBytes(message.ToString())), stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        while (connections.TryDequeue(out var client))
        {
            client.Dispose();
        }

        await accepting;
        stop.Dispose();
    }
}
