namespace EngineeringFramework.Core.Frameworks;

/// <summary>Reads a framework from a folder, e.g. a git checkout.</summary>
internal static class DirectorySourceReader
{
    public static FrameworkSource Read(string root, FrameworkLimits limits)
    {
        var collector = new SourceCollector(limits, stripTopLevelFolder: false);
        if (!Directory.Exists(root))
        {
            collector.Fail($"folder '{root}' does not exist");
            return collector.Build();
        }

        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0 && !collector.Stopped)
        {
            var directory = pending.Pop();
            FileSystemInfo[] entries;
            try
            {
                entries = [.. directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                collector.Reject(Relative(root, directory), $"cannot be read: {ex.Message}");
                continue;
            }

            foreach (var entry in entries)
            {
                // A checkout's .git holds thousands of objects that are not part of the framework.
                if (entry.Name == ".git")
                {
                    continue;
                }

                var relative = Relative(root, entry);
                if (entry.LinkTarget is not null)
                {
                    // Never follow links: one pointing at /etc or ../secrets would leak outside the folder.
                    collector.Reject(relative, "symbolic links are not allowed");
                }
                else if (entry is DirectoryInfo subdirectory)
                {
                    pending.Push(subdirectory);
                }
                else if (entry is FileInfo file)
                {
                    collector.AddFile(relative, file.Length, cap => ReadFile(file, cap));
                }

                if (collector.Stopped)
                {
                    break;
                }
            }
        }

        return collector.Build();
    }

    private static string Relative(string root, FileSystemInfo entry) =>
        Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');

    private static byte[]? ReadFile(FileInfo file, long cap)
    {
        try
        {
            using var stream = file.OpenRead();
            return BoundedRead.ReadAtMost(stream, cap);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SourceEntryUnreadableException($"cannot be read: {ex.Message}");
        }
    }
}
