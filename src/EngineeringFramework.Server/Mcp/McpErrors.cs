using EngineeringFramework.Core.UseCases;
using FluentValidation;
using ModelContextProtocol;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// Use-case errors become tool errors the model can act on: not found (also for anything the caller may
/// not read), refused (naming the field when the refusal is about one), conflict, stale version, or the invalid fields by name. Anything else stays generic.
/// </summary>
internal static class McpErrors
{
    /// <param name="action">The use-case call.</param>
    /// <param name="arguments">
    /// The tool's argument for a request property whose name is not the argument's in snake_case (the use case's
    /// <c>EvidenceLinks</c> is the tool's <c>evidence_link</c>), so an invalid field is named as the agent sent it.
    /// </param>
    public static async Task<T> Run<T>(Func<Task<T>> action, IReadOnlyDictionary<string, string>? arguments = null)
    {
        try
        {
            return await action();
        }
        catch (ValidationException e)
        {
            throw new McpException("Invalid input: " + string.Join("; ", e.Errors.Select(f => $"{ArgumentOf(f.PropertyName, arguments)}: {f.ErrorMessage}")));
        }
        catch (NotFoundException e)
        {
            throw new McpException(e.Message);
        }
        catch (ForbiddenException e)
        {
            throw new McpException("Not allowed: " + e.Message);
        }
        catch (FieldForbiddenException e)
        {
            throw new McpException($"Not allowed ({Hosting.AppExceptionHandler.ToCamelCasePath(e.Field)}): {e.Message}");
        }
        catch (PreconditionFailedException e)
        {
            throw new McpException("Stale version: " + e.Message + " Read the item again and retry with its current version.");
        }
        catch (ConflictException e)
        {
            throw new McpException("Conflict: " + e.Message);
        }
        catch (Exception e) when (Core.Data.DatabaseUnavailable.Explains(e))
        {
            throw new McpException("Temporarily unavailable: the database cannot be reached right now. Retry in a few seconds.");
        }
        catch (EngineeringFramework.Authz.AuthorizationUnavailableException)
        {
            // Nothing was decided or done; the agent may retry. (Before the tool runs, the grant check answers 503.)
            throw new McpException("Temporarily unavailable: permissions cannot be checked right now, so nothing was done. Retry in a few seconds.");
        }
    }

    /// <summary>
    /// The tool argument a request property stands for: <c>TargetDate</c> → <c>target_date</c>, as the tool's input schema
    /// names it, or the name <paramref name="arguments"/> gives the property (<c>EvidenceLinks[3]</c> → <c>evidence_link</c>).
    /// </summary>
    internal static string ArgumentOf(string property, IReadOnlyDictionary<string, string>? arguments)
    {
        var root = property.Split('.', '[')[0];
        if (arguments is not null && arguments.TryGetValue(root, out var argument))
        {
            return argument;
        }

        var snake = new System.Text.StringBuilder(property.Length + 4);
        foreach (var c in Hosting.AppExceptionHandler.ToCamelCasePath(property))
        {
            snake.Append(char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString());
        }

        return snake.ToString();
    }
}
