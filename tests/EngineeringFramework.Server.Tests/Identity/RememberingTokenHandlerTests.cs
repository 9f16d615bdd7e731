using System.Security.Claims;
using System.Security.Cryptography;
using EngineeringFramework.Server.Identity.Tokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// A fully validated token is remembered under its exact text for at most a minute and never past its expiry; anything
/// else is validated in full. "Validated in full" is made visible by taking the signing key away from the parameters:
/// a remembered token still passes, every other one fails.
/// </summary>
public sealed class RememberingTokenHandlerTests : IDisposable
{
    private const string Issuer = "https://ef.example.test/";
    private const string Audience = "https://ef.example.test/api";

    /// <summary>
    /// The README's promise ("Validated token signatures: remembered per instance, at most 60 seconds"), written out here
    /// rather than read from the handler, so a longer lifetime in the code fails the test instead of moving it along.
    /// </summary>
    private static readonly TimeSpan Promised = TimeSpan.FromSeconds(60);

    private readonly RSA rsa = RSA.Create(2048);
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    public void Dispose() => rsa.Dispose();

    private RsaSecurityKey Key => new(rsa) { KeyId = "k1" };

    private TokenValidationParameters Parameters(bool withKey) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.Zero,
        IssuerSigningKeys = withKey ? [Key] : [],
    };

    private string Token(TimeSpan lifetime, string subject = "user-1")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        });
    }

    [Fact]
    public async Task A_validated_token_is_remembered_for_at_most_a_minute()
    {
        var handler = new RememberingTokenHandler(time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(15));

        var first = await handler.ValidateTokenAsync(token, Parameters(withKey: true));
        var remembered = await handler.ValidateTokenAsync(token, Parameters(withKey: false));
        time.Advance(Promised);
        var forgotten = await handler.ValidateTokenAsync(token, Parameters(withKey: false));

        Assert.True(first.IsValid);
        Assert.True(remembered.IsValid);
        Assert.Equal("user-1", remembered.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.False(forgotten.IsValid);
    }

    [Fact]
    public async Task Another_or_altered_token_is_validated_in_full()
    {
        var handler = new RememberingTokenHandler(time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(15));
        await handler.ValidateTokenAsync(token, Parameters(withKey: true));
        var parts = token.Split('.');
        var forged = string.Join('.', parts[0], new JsonWebTokenHandler().CreateToken("""{"sub":"someone-else"}""").Split('.')[1], parts[2]);

        var other = await handler.ValidateTokenAsync(Token(TimeSpan.FromMinutes(15), "user-2"), Parameters(withKey: false));
        var altered = await handler.ValidateTokenAsync(forged, Parameters(withKey: true));

        Assert.False(other.IsValid);
        Assert.False(altered.IsValid);
    }

    [Fact]
    public async Task A_token_is_never_remembered_past_its_own_expiry()
    {
        var handler = new RememberingTokenHandler(time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromSeconds(20));
        await handler.ValidateTokenAsync(token, Parameters(withKey: true));

        time.Advance(TimeSpan.FromSeconds(21));
        var after = await handler.ValidateTokenAsync(token, Parameters(withKey: false));

        Assert.False(after.IsValid);
    }

    [Fact]
    public async Task Each_caller_gets_its_own_identity()
    {
        var handler = new RememberingTokenHandler(time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(15));
        await handler.ValidateTokenAsync(token, Parameters(withKey: true));

        var one = await handler.ValidateTokenAsync(token, Parameters(withKey: true));
        one.ClaimsIdentity.AddClaim(new Claim("role", "added-by-one-request"));
        var two = await handler.ValidateTokenAsync(token, Parameters(withKey: true));

        Assert.NotSame(one.ClaimsIdentity, two.ClaimsIdentity);
        Assert.Null(two.ClaimsIdentity.FindFirst("role"));
    }
}
