using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace EngineeringFramework.Core.Data;

/// <summary>
/// One EF Core compiled query per model. A compiled query binds itself to the first model that runs it and
/// refuses any other, while one process can hold several models (SQLite and PostgreSQL contexts side by side in
/// the tests, a context built with extra interceptors): each model gets its own copy, created on first use and
/// dropped with the model.
/// </summary>
public sealed class PerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> queries = [];

    public TQuery For(DbContext db) => queries.GetValue(db.Model, _ => compile());
}
