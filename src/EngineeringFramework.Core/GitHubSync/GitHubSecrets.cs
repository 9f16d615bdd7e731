using System.Security.Cryptography;
using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>The two secrets of a connection, sealed with the <see cref="SecretBox"/> under the organization and their own purpose.</summary>
public sealed class GitHubSecrets(SecretBox box)
{
    public const string TokenPurpose = "github-token";
    public const string WebhookSecretPurpose = "github-webhook-secret";

    public byte[] SealToken(Guid organizationId, string token) => box.Seal(token, Owner(organizationId), TokenPurpose);

    public string OpenToken(Guid organizationId, byte[] sealedToken) => box.OpenString(sealedToken, Owner(organizationId), TokenPurpose);

    /// <summary>32 bytes from the CSPRNG, hex-encoded (64 characters): never derived from anything a user typed.</summary>
    public static string NewWebhookSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public byte[] SealWebhookSecret(Guid organizationId, string secret) => box.Seal(secret, Owner(organizationId), WebhookSecretPurpose);

    public byte[] OpenWebhookSecret(Guid organizationId, byte[] sealedSecret) => box.Open(sealedSecret, Owner(organizationId), WebhookSecretPurpose);

    private static string Owner(Guid organizationId) => $"organization:{organizationId}";
}
