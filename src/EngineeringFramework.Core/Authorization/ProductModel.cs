namespace EngineeringFramework.Core.Authorization;

/// <summary>authorization/model.fga, embedded at build time.</summary>
internal static class ProductModel
{
    public static string Dsl { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ProductModel).Assembly.GetManifestResourceStream("EngineeringFramework.authorization.model.fga")
            ?? throw new InvalidOperationException("The authorization model is not embedded in this build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
