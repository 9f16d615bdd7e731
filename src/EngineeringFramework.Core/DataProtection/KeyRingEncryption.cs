using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.DataProtection;

/// <summary>Data protection's hook for encrypting a new key's secret before it is stored: <see cref="KeyRingSeal"/>.</summary>
internal sealed class KeyRingEncryptor(KeyRingSeal seal) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        => new(seal.Seal(plaintextElement), typeof(KeyRingDecryptor));
}

/// <summary>
/// Data protection's hook for decrypting a stored key's secret. Data protection creates it by the type name written
/// into the stored XML, through a constructor taking <see cref="IServiceProvider"/>, hence the public type.
/// </summary>
/// <remarks>
/// A key sealed under another <c>ENCRYPTION_KEY</c> throws here; data protection then treats that key as unusable
/// (payloads protected with it fail to unprotect: the session cookie is ignored, the antiforgery token refused) and,
/// with no usable default key left, makes a new one. So a changed <c>ENCRYPTION_KEY</c> signs everyone out once; it
/// never stops the server. The warning says so in words, beside data protection's own error.
/// </remarks>
public sealed partial class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyRingSeal seal = services.GetRequiredService<KeyRingSeal>();
    private readonly ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<KeyRingDecryptor>();

    public XElement Decrypt(XElement encryptedElement)
    {
        try
        {
            return seal.Open(encryptedElement);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            LogUnreadableKey(logger, e.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogUnreadableKey(ILogger logger, string problem);
}
