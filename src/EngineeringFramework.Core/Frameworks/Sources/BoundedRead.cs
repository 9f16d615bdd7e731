namespace EngineeringFramework.Core.Frameworks;

internal static class BoundedRead
{
    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> + 1 bytes, never trusting a declared length (zip headers lie,
    /// files grow). Returns null when the stream holds more than <paramref name="maxBytes"/>.
    /// </summary>
    public static byte[]? ReadAtMost(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var want = (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length);
            var read = stream.Read(chunk, 0, want);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                return null;
            }
        }
    }

    /// <summary>The same bound for network streams (GitHub's answers, webhook deliveries).</summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var want = (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length);
            var read = await stream.ReadAsync(chunk.AsMemory(0, want), cancellationToken);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                return null;
            }
        }
    }
}
