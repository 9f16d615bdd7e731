using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Benchmarks;

/// <summary>
/// A 1,000,000-tuple store shaped like the product's model (organizations, roles, departments, projects), built
/// the way the Authz tests build their large store: tuples written straight to the store in batches of 100,
/// never held in one big list. <c>user:reader</c> reaches exactly <see cref="ReaderProjects"/> projects,
/// only through <c>role:reader-role#assignee</c> grants on departments.
/// </summary>
internal static class AuthzData
{
    public const int TotalTuples = 1_000_000;
    public const int Organizations = 50;
    public const int Users = 50_000;
    public const int RolesPerOrganization = 20;
    public const int AssigneesPerRole = 20;
    public const int DepartmentsPerOrganization = 40;
    public const int ProjectsPerDepartment = 100;
    public const int Departments = Organizations * DepartmentsPerOrganization; // 2,000
    public const int Projects = Departments * ProjectsPerDepartment; // 200,000
    public const int ReaderDepartments = 100;
    public const int ReaderProjects = ReaderDepartments * ProjectsPerDepartment; // 10,000
    public const int GuestUsers = 5_000;

    public const string Model = """
        model
          schema 1.1

        type user

        type organization
          relations
            define admin: [user]
            define member: [user] or admin
            define can_create_project: [role#assignee] or admin
            define can_manage_departments: [role#assignee] or admin

        type role
          relations
            define organization: [organization]
            define assignee: [user]
            define active_assignee: assignee and member from organization

        type department
          relations
            define organization: [organization]
            define viewer: [user, role#assignee, organization#member]
            define editor: [user, role#assignee, organization#member]
            define can_view: viewer or editor or admin from organization
            define can_edit: editor or admin from organization
            define can_create_project: can_create_project from organization

        type project
          relations
            define department: [department]
            define owner: [user]
            define viewer: [user]
            define editor: [user]
            define archived: [user:*]
            define can_view: viewer or owner or editor or can_view from department
            define can_edit: (editor or owner or can_edit from department) but not archived
            define can_delete: owner and can_edit from department
        """;

    /// <summary>Department of a project and organization of a department (integer division).</summary>
    public static int DepartmentOf(int project) => project / ProjectsPerDepartment;

    public static int OrganizationOf(int department) => department / DepartmentsPerOrganization;

    public static AuthorizationEngine Build(InMemoryTupleStore store)
    {
        var engine = new AuthorizationEngine(store);
        engine.WriteModel(Model);
        Load(store);
        if (store.Count != TotalTuples)
        {
            throw new InvalidOperationException($"expected {TotalTuples} tuples, stored {store.Count}");
        }

        return engine;
    }

    private static void Load(InMemoryTupleStore store)
    {
        var batch = new List<TupleKey>(100);
        long written = 0;
        void Add(string obj, string relation, string user)
        {
            batch.Add(new TupleKey(obj, relation, user));
            written++;
            if (batch.Count == 100)
            {
                store.Write(batch, [], WriteOptions.Default);
                batch.Clear();
            }
        }

        // Organizations: one admin each, every user a member of one organization.
        for (var o = 0; o < Organizations; o++)
        {
            Add($"organization:o{o}", "admin", $"user:admin-{o}");
        }

        for (var u = 0; u < Users; u++)
        {
            Add($"organization:o{u % Organizations}", "member", $"user:u{u}");
        }

        // Roles: 20 per organization with 20 assignees (members of that organization); some grant organization permissions.
        for (var o = 0; o < Organizations; o++)
        {
            for (var r = 0; r < RolesPerOrganization; r++)
            {
                var role = $"role:o{o}-r{r}";
                Add(role, "organization", $"organization:o{o}");
                for (var a = 0; a < AssigneesPerRole; a++)
                {
                    Add(role, "assignee", $"user:u{(((r * AssigneesPerRole) + a) * Organizations) + o}");
                }

                if (r < 2)
                {
                    Add($"organization:o{o}", r == 0 ? "can_create_project" : "can_manage_departments", role + "#assignee");
                }
            }
        }

        // Departments: parent organization, a viewer role and an editor role, every other one viewable by all members.
        for (var d = 0; d < Departments; d++)
        {
            var o = OrganizationOf(d);
            var department = $"department:d{d}";
            Add(department, "organization", $"organization:o{o}");
            Add(department, "viewer", $"role:o{o}-r{d % RolesPerOrganization}#assignee");
            Add(department, "editor", $"role:o{o}-r{(d + 1) % RolesPerOrganization}#assignee");
            if (d % 2 == 0)
            {
                Add(department, "viewer", $"organization:o{o}#member");
            }
        }

        // user:reader: one role, granted viewer and editor on the first 100 departments (10,000 projects).
        Add("role:reader-role", "organization", "organization:o0");
        Add("role:reader-role", "assignee", "user:reader");
        for (var d = 0; d < ReaderDepartments; d++)
        {
            Add($"department:d{d}", "viewer", "role:reader-role#assignee");
            Add($"department:d{d}", "editor", "role:reader-role#assignee");
        }

        // Projects: parent department, an owner, a viewer and an editor; every 50th project outside the reader's is archived.
        for (var p = 0; p < Projects; p++)
        {
            var project = $"project:p{p}";
            var d = DepartmentOf(p);
            var o = OrganizationOf(d);
            Add(project, "department", $"department:d{d}");
            Add(project, "owner", $"user:u{(p * 7 % (Users / Organizations) * Organizations) + o}");
            Add(project, "viewer", $"user:u{(p * 13 % (Users / Organizations) * Organizations) + o}");
            Add(project, "editor", $"user:u{(p * 17 % (Users / Organizations) * Organizations) + o}");
            if (p >= ReaderProjects && p % 50 == 0)
            {
                Add(project, "archived", "user:*");
            }
        }

        // Direct grants to guests (users outside every organization) up to exactly 1,000,000 tuples.
        var remaining = TotalTuples - written;
        for (var i = 0; i < remaining; i++)
        {
            Add($"project:p{i % Projects}", "viewer", $"user:guest-{i % GuestUsers}");
        }

        store.Write(batch, [], WriteOptions.Default);
    }
}
