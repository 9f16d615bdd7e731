using EngineeringFramework.OpenFgaTestServer;

// dotnet EngineeringFramework.OpenFgaTestServer.dll --urls http://127.0.0.1:8089 [--preshared-key KEY]
// The key may also come from OPENFGA_AUTHN_PRESHARED_KEYS, the variable OpenFGA itself reads (first key only).
var url = Argument("--urls") ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://127.0.0.1:8080";
var key = Argument("--preshared-key") ?? Environment.GetEnvironmentVariable("OPENFGA_AUTHN_PRESHARED_KEYS")?.Split(',')[0];
await using var server = await OpenFgaTestServer.StartAsync(string.IsNullOrEmpty(key) ? null : key, url, quiet: false);
Console.WriteLine($"OpenFGA test server (not for production) listening on {server.BaseUrl}");
await server.WaitForShutdownAsync();

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
