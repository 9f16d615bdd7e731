using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace EngineeringFramework.Server.Identity.External;

/// <summary>
/// External mode: the provider owns passwords, so a reset request is handed to its
/// <c>dbconnections/change_password</c> endpoint (Auth0's Authentication API), which mails the user itself.
/// Whatever the provider answers, the caller sees nothing different: failures are logged (without the address)
/// and swallowed, so the page answers exactly as the embedded one does.
/// </summary>
internal sealed partial class ExternalPasswordReset(HttpClient http, IdentitySettings identity, IConfiguration configuration, ILogger<ExternalPasswordReset> logger)
    : Accounts.IPasswordResetRequester
{
    public const string ConnectionKey = "Identity:ExternalPasswordConnection";
    public const string DefaultConnection = "Username-Password-Authentication";

    public async Task RequestAsync(string email, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(identity.Authority!, "dbconnections/change_password");
        var connection = configuration[ConnectionKey] is { Length: > 0 } configured ? configured : DefaultConnection;
        try
        {
            using var response = await http.PostAsJsonAsync(endpoint, new ChangePasswordRequest(identity.ClientId!, email, connection), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, e.GetType().Name);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, "timeout");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The external authority refused a password reset request with status {Status}")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The external authority's password reset endpoint is unreachable ({Reason})")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    internal sealed record ChangePasswordRequest(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("connection")] string Connection);
}
