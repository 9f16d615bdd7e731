namespace EngineeringFramework.Server.Hosting;

/// <summary>Security headers on every response, through NetEscapades.AspNetCore.SecurityHeaders.</summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseAppSecurityHeaders(this IApplicationBuilder app, IHostEnvironment environment)
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
                b.AddStyleSrc().Self();
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

        return app.UseSecurityHeaders(policy);
    }
}
