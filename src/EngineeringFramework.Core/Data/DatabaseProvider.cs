namespace EngineeringFramework.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
