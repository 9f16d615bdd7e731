namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Read-only wrapper that fails once more than <paramref name="limit"/> bytes have been read. Guards the
/// compressed input and the decompressed tar stream, which is read through even for skipped entries, so a
/// gzip bomb or a huge tar header cannot make us decompress without end.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit, string what) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _read += read;
        if (_read > limit)
        {
            throw new SourceLimitExceededException($"{what} exceeds {limit} bytes");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
