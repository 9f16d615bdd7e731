// The Authz assembly is a self-contained OpenFGA-compatible engine; see README.md in this folder.
[assembly: CLSCompliant(false)]
