using BenchmarkDotNet.Attributes;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Benchmarks;

/// <summary>
/// Check and ListObjects on a 1,000,000-tuple in-memory store (see <see cref="AuthzData"/>).
/// Targets: Check median under 20 µs; ListObjects of 10,000 projects under 20 ms.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[Config(typeof(MedianP95Config))]
public class AuthzBenchmarks
{
    private InMemoryTupleStore _store = null!;
    private AuthorizationEngine _engine = null!;

    // Requests are built once so the benchmarks measure the engine, not the request records.
    private readonly CheckRequest _allowed = new("user:reader", "can_view", "project:p5000");
    private readonly CheckRequest _denied = new("user:reader", "can_view", "project:p150001");
    private readonly CheckRequest _allowedEdit = new("user:reader", "can_edit", "project:p5000");
    private readonly CheckRequest _deniedEdit = new("user:reader", "can_edit", "project:p150001");
    private readonly ListObjectsRequest _listView = new("user:reader", "can_view", "project");
    private readonly ListObjectsRequest _listEdit = new("user:reader", "can_edit", "project");

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryTupleStore();
        _engine = AuthzData.Build(_store);
        Expect(_engine.Check(_allowed).Allowed, "allowed check");
        Expect(!_engine.Check(_denied).Allowed, "denied check");
        Expect(_engine.Check(_allowedEdit).Allowed, "allowed can_edit check");
        Expect(!_engine.Check(_deniedEdit).Allowed, "denied can_edit check");
        var viewable = _engine.ListObjects(_listView).Objects.Count;
        Expect(viewable == AuthzData.ReaderProjects, $"ListObjects can_view returned {viewable} projects, expected {AuthzData.ReaderProjects}");
        var editable = _engine.ListObjects(_listEdit).Objects.Count;
        Expect(editable == AuthzData.ReaderProjects, $"ListObjects can_edit returned {editable} projects, expected {AuthzData.ReaderProjects}");
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    /// <summary>user:reader → role:reader-role#assignee → department:d50#viewer → project:p5000 (union only).</summary>
    [Benchmark]
    public bool Check_allowed() => _engine.Check(_allowed).Allowed;

    /// <summary>Every path of project#can_view explored: department viewers/editors (roles, organization members), organization admin.</summary>
    [Benchmark]
    public bool Check_denied() => _engine.Check(_denied).Allowed;

    /// <summary>can_edit: (editor or owner or can_edit from department) but not archived.</summary>
    [Benchmark]
    public bool Check_allowed_can_edit_but_not() => _engine.Check(_allowedEdit).Allowed;

    [Benchmark]
    public bool Check_denied_can_edit_but_not() => _engine.Check(_deniedEdit).Allowed;

    /// <summary>10,000 projects through 100 department grants; union only, so no confirming Check per object.</summary>
    [Benchmark]
    public int ListObjects_10000_projects() => _engine.ListObjects(_listView).Objects.Count;

    /// <summary>The same 10,000 projects through <c>but not archived</c>: every candidate is confirmed by a Check.</summary>
    [Benchmark]
    public int ListObjects_10000_projects_but_not() => _engine.ListObjects(_listEdit).Objects.Count;

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("benchmark data is not as expected: " + what);
        }
    }
}
