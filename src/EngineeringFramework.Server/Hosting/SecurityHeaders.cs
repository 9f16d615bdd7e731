namespace EngineeringFramework.Server.Hosting;

/// <summary>Security headers on every response, through NetEscapades.AspNetCore.SecurityHeaders.</summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// The one inline style the API reference's Swagger UI (Swashbuckle.AspNetCore.SwaggerUI 11.0.1) renders: the
    /// <c>&lt;style&gt;</c> element inside its logo. Allowed by its hash, on that page only, in Development only;
    /// a new package version that changes it shows as a CSP report in the browser console, nothing worse.
    /// </summary>
    private const string ApiReferenceLogoStyleHash = "RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=";

    public static IServiceCollection AddAppSecurityHeaders(this IServiceCollection services, IHostEnvironment environment)
    {
        var standard = Policy(environment, apiReference: false, formActionOrigin: null);
        var reference = Policy(environment, apiReference: true, formActionOrigin: null);
        services.AddSecurityHeaderPolicies(b => b
            .SetDefaultPolicy(standard)
            .SetPolicySelector(context =>
            {
                // A page whose form may end at an OAuth client's redirect URI (sign-in, two-factor, consent) names that
                // client's registered origin for its own response; Chromium applies form-action to every redirect that
                // follows a form post, so without it the browser refuses to deliver the code (or the error) to the client.
                if (context.HttpContext.Items.TryGetValue(FormActionAllowance.ItemKey, out var origin) && origin is string allowed)
                {
                    return Policy(environment, apiReference: false, formActionOrigin: allowed);
                }

                // Development serves the API reference (Api/ApiReference.cs): the same policy plus one style hash.
                return environment.IsDevelopment() && context.HttpContext.Request.Path.StartsWithSegments(Api.ApiReference.Path, StringComparison.OrdinalIgnoreCase)
                    ? reference
                    : context.SelectedPolicy;
            }));
        return services;
    }

    public static IApplicationBuilder UseAppSecurityHeaders(this IApplicationBuilder app) => app.UseSecurityHeaders();

    private static HeaderPolicyCollection Policy(IHostEnvironment environment, bool apiReference, string? formActionOrigin)
    {
        var policy = new HeaderPolicyCollection()
            .AddContentTypeOptionsNoSniff()
            .AddFrameOptionsDeny()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginOpenerPolicy(b => b.SameOrigin())
            .AddCrossOriginResourcePolicy(b => b.SameOrigin())
            .RemoveServerHeader()
            // Every asset is served locally, so pages need nothing from elsewhere: no inline script, no CDN.
            .AddContentSecurityPolicy(b =>
            {
                b.AddDefaultSrc().Self();
                b.AddScriptSrc().Self();
                var styles = b.AddStyleSrc().Self();
                if (apiReference)
                {
                    styles.WithHash256(ApiReferenceLogoStyleHash);
                }

                b.AddImgSrc().Self().Data();
                b.AddFontSrc().Self();
                b.AddConnectSrc().Self();
                b.AddObjectSrc().None();
                b.AddBaseUri().Self();
                var forms = b.AddFormAction().Self();
                if (formActionOrigin is not null)
                {
                    forms.From(formActionOrigin);
                }

                b.AddFrameAncestors().None();
            })
            .AddPermissionsPolicy(b =>
            {
                b.AddCamera().None();
                b.AddMicrophone().None();
                b.AddGeolocation().None();
                b.AddPayment().None();
                b.AddUsb().None();
            });

        if (!environment.IsDevelopment())
        {
            // Sent on HTTPS responses only (the library skips plain HTTP, where the header is meaningless).
            policy.AddStrictTransportSecurityMaxAgeIncludeSubDomains(maxAgeInSeconds: 365 * 24 * 60 * 60);
        }

        return policy;
    }
}
