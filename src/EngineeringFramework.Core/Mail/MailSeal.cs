using System.Text.Json;
using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Core.Mail;

/// <summary>
/// Seals a queued message with the <see cref="SecretBox"/>. The associated data names the row, so sealed content
/// copied into another row fails to open instead of being sent to that row's kind of recipient.
/// </summary>
internal static class MailSeal
{
    public const string Purpose = "queued-mail";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Seal(SecretBox box, Guid mailId, MailMessage message)
        => box.Seal(JsonSerializer.SerializeToUtf8Bytes(message, Json), Owner(mailId), Purpose);

    /// <exception cref="SecretBoxException">Tampered with, moved from another row, or sealed under another key.</exception>
    public static MailMessage Open(SecretBox box, Guid mailId, byte[] sealedContent)
        => JsonSerializer.Deserialize<MailMessage>(box.Open(sealedContent, Owner(mailId), Purpose), Json)
            ?? throw new SecretBoxException("The sealed mail is empty.");

    private static string Owner(Guid mailId) => $"mail:{mailId}";
}
