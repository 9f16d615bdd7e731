using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// Fetches and checks a Client ID Metadata Document. The address comes from a stranger, so the request is fenced in:
/// public addresses only outside Development (<see cref="PublicAddresses"/>), no redirects, no cookies, a few seconds at
/// most, a small size cap, JSON only. The document must name itself (<c>client_id</c> equal to its URL, character for
/// character) and describe a public client (<see cref="ClientMetadata.Problem"/>). How long it may be kept follows its
/// HTTP caching headers, never longer than <see cref="MaxLifetime"/>.
/// </summary>
internal sealed class MetadataDocumentFetcher(HttpClient http, TimeProvider time)
{
    public const string HttpClientName = "client-metadata-documents";
    public const int MaxBytes = 16 * 1024;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(1);

    /// <summary>Kept this long when the server says nothing about caching.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public async Task<MetadataDocument> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new MetadataDocumentException($"it could not be fetched ({e.Message})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MetadataDocumentException($"it did not arrive within {Timeout.TotalSeconds:0} seconds");
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new MetadataDocumentException($"its server answered {(int)response.StatusCode} (a document is served with 200, without redirects)");
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            {
                throw new MetadataDocumentException("it is not served as application/json");
            }

            byte[]? body;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                body = response.Content.Headers.ContentLength > MaxBytes ? null : await BoundedRead.ReadAtMostAsync(stream, MaxBytes, timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new MetadataDocumentException("the connection broke or timed out while it was being read");
            }

            if (body is null)
            {
                throw new MetadataDocumentException($"it is larger than {MaxBytes} bytes");
            }

            ClientMetadata? metadata;
            try
            {
                metadata = JsonSerializer.Deserialize<ClientMetadata>(body);
            }
            catch (JsonException)
            {
                throw new MetadataDocumentException("it is not a JSON object of client metadata");
            }

            if (metadata is null)
            {
                throw new MetadataDocumentException("it is not a JSON object of client metadata");
            }

            if (!string.Equals(metadata.ClientId, url.OriginalString, StringComparison.Ordinal))
            {
                throw new MetadataDocumentException("its client_id is not exactly the URL it was fetched from");
            }

            if (metadata.Problem() is var (_, description))
            {
                throw new MetadataDocumentException(description);
            }

            return new MetadataDocument(metadata, time.GetUtcNow() + Lifetime(response));
        }
    }

    private TimeSpan Lifetime(HttpResponseMessage response)
    {
        var cache = response.Headers.CacheControl;
        TimeSpan lifetime;
        if (cache is { NoStore: true } or { NoCache: true })
        {
            lifetime = TimeSpan.Zero;
        }
        else if (cache?.MaxAge is { } maxAge)
        {
            lifetime = maxAge;
        }
        else if (response.Content.Headers.Expires is { } expires)
        {
            lifetime = expires - (response.Headers.Date ?? time.GetUtcNow());
        }
        else
        {
            lifetime = DefaultLifetime;
        }

        return lifetime < TimeSpan.Zero ? TimeSpan.Zero : lifetime > MaxLifetime ? MaxLifetime : lifetime;
    }
}

/// <summary>A checked document and until when it may be used without fetching it again.</summary>
internal sealed record MetadataDocument(ClientMetadata Metadata, DateTimeOffset ExpiresAt);

/// <summary>Why a metadata document cannot be used; the message completes "The client's metadata document cannot be used: …".</summary>
internal sealed class MetadataDocumentException(string message) : Exception(message);
