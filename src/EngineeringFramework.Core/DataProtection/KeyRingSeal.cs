using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Core.DataProtection;

/// <summary>
/// Seals the secret part of each data-protection key (its master key) before the key ring is stored in the
/// database, and opens it when an instance loads the ring: AES-256-GCM (<see cref="SecretBox"/>) under a key derived
/// from <c>ENCRYPTION_KEY</c> with HKDF-SHA256 and its own label.
/// </summary>
/// <remarks>
/// Why a derived key and not <c>ENCRYPTION_KEY</c> itself: the key that seals GitHub tokens and queued mail then
/// never encrypts anything else, and a sealed key-ring element can never be passed off as a sealed secret (or the
/// reverse). Why encrypt at all: whoever reads the database (a backup, a replica, a support dump) would otherwise
/// hold the keys that sign every session cookie, antiforgery token and account link, and could forge them.
/// Changing <c>ENCRYPTION_KEY</c> makes every stored key unreadable: the sessions, antiforgery tokens and links
/// protected with them stop working (people sign in again), and a new key is made (see <see cref="KeyRingDecryptor"/>).
/// </remarks>
public sealed class KeyRingSeal(EncryptionKey encryptionKey)
{
    /// <summary>The element that replaces a key's secret in the stored XML.</summary>
    public static readonly XName SealedElement = "sealedWithEncryptionKey";

    private const string Label = "engineering-framework/data-protection/key-ring/v1";
    private const string Owner = "data-protection-key-ring";
    private const string Purpose = "key-secret";

    private readonly SecretBox box = new(encryptionKey.Derive(Label));

    public XElement Seal(XElement plaintextElement)
    {
        var sealedValue = box.Seal(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Owner, Purpose);
        return new XElement(
            SealedElement,
            new XComment(" AES-256-GCM under a key derived from ENCRYPTION_KEY; unreadable without it. "),
            new XElement("value", Convert.ToBase64String(sealedValue)));
    }

    /// <exception cref="CryptographicException">The element is malformed or was sealed under another <c>ENCRYPTION_KEY</c>.</exception>
    public XElement Open(XElement sealedElement)
    {
        if (sealedElement.Name != SealedElement || sealedElement.Element("value")?.Value is not { } value)
        {
            throw new CryptographicException($"The data-protection key element is not a <{SealedElement}> element with a value.");
        }

        try
        {
            return XElement.Parse(box.OpenString(Convert.FromBase64String(value), Owner, Purpose));
        }
        catch (Exception e) when (e is SecretBoxException or FormatException)
        {
            throw new CryptographicException(
                "A data-protection key in the database cannot be decrypted with the current ENCRYPTION_KEY (it was sealed under another one, "
                + "or the row was altered). Sessions, antiforgery tokens and account links protected with that key no longer work: "
                + "people sign in again. A new key is made and used from now on.",
                e);
        }
    }
}
