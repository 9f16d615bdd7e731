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

    public static IApplicationBuilder UseAppSecurityHeaders(this IApplicationBuilder app, IHostEnvironment environment)
    {
        var policy = Policy(environment, apiReference: false);
        if (!environment.IsDevelopment())
        {
            return app.UseSecurityHeaders(policy);
        }

        // Development serves the API reference (Api/ApiReference.cs); its page gets the same policy plus one style hash.
        var reference = Policy(environment, apiReference: true);
        static bool IsReference(HttpContext context) => context.Request.Path.StartsWithSegments(Api.ApiReference.Path, StringComparison.OrdinalIgnoreCase);
        app.UseWhen(IsReference, branch => branch.UseSecurityHeaders(reference));
        app.UseWhen(context => !IsReference(context), branch => branch.UseSecurityHeaders(policy));
        return app;
    }

    private static HeaderPolicyCollection Policy(IHostEnvironment environment, bool apiReference)
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
                b.AddFormAction().Self();
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
