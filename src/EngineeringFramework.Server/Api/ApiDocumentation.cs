using System.Reflection;
using EngineeringFramework.Core.UseCases;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EngineeringFramework.Server.Api;

/// <summary>Marks a request body whose every property must be sent (a replacement), so the OpenAPI schema says so.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class EveryPropertyRequiredAttribute : Attribute;

/// <summary>
/// What the OpenAPI document cannot learn from the routes alone: a partial-update field (<see cref="Optional{T}"/>)
/// is described as its value, replacement bodies list every property as required, and the answers the pipeline
/// gives any API route (401 without a valid token, 429 over the rate limit) are documented on every operation.
/// </summary>
internal static class ApiDocumentation
{
    public static OpenApiOptions AddApiDocumentation(this OpenApiOptions options)
    {
        // A partial-update field is described where it is used (its nullability differs from property to property).
        options.CreateSchemaReferenceId = type => IsOptional(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddSchemaTransformer(DescribeFieldsAsync);
        options.AddOperationTransformer(AddPipelineResponsesAsync);
        return options;
    }

    private static async Task DescribeFieldsAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (IsOptional(type))
        {
            // The converter makes the field opaque to the schema generator; on the wire it is just its value.
            var value = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken);
            if (value is OpenApiSchema inline)
            {
                schema.Type = inline.Type;
                schema.Format = inline.Format;
                schema.Pattern = inline.Pattern;
                schema.Enum = inline.Enum;
                schema.OneOf = inline.OneOf;
                schema.AnyOf = inline.AnyOf;
            }
            else
            {
                schema.AnyOf = [value];
            }

            // Optional<string?> may be sent as null, Optional<string> may not: the annotation is on the type argument.
            if (context.JsonPropertyInfo?.AttributeProvider is PropertyInfo property
                && new NullabilityInfoContext().Create(property).GenericTypeArguments is [{ ReadState: NullabilityState.Nullable }])
            {
                if (schema.AnyOf is { Count: > 0 } anyOf)
                {
                    anyOf.Add(new OpenApiSchema { Type = JsonSchemaType.Null });
                }
                else
                {
                    schema.Type |= JsonSchemaType.Null;
                }
            }
        }

        if (type.GetCustomAttribute<EveryPropertyRequiredAttribute>() is not null && schema.Properties is { Count: > 0 } properties)
        {
            schema.Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal);
        }
    }

    private static bool IsOptional(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>);

    private static async Task AddPipelineResponsesAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) != true)
        {
            return;
        }

        operation.Responses ??= [];
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, "Unauthorized: no valid access token for this API.", cancellationToken);
        }

        await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests, "Too many requests: over the rate limit (see Retry-After and the RateLimit-* headers).", cancellationToken);
    }

    private static async Task AddProblemAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, CancellationToken cancellationToken)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
        };
    }
}
