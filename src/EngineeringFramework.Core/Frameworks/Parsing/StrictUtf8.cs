using System.Buffers;
using System.Text.Unicode;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Strict UTF-8 decoding for framework files: invalid bytes are an error (never replaced with U+FFFD). The text
/// is then put in <see cref="CanonicalText.Markdown"/> form.
/// </summary>
internal static class StrictUtf8
{
    /// <returns>The text, or null with <paramref name="error"/> set.</returns>
    public static string? Decode(byte[] bytes, out string? error)
    {
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var bytesRead, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            error = $"is not valid UTF-8 (invalid byte at offset {bytesRead})";
            return null;
        }

        var text = new string(chars, 0, written);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            error = "contains NUL characters";
            return null;
        }

        error = null;
        return CanonicalText.Markdown(text);
    }
}
