namespace Gatehouse.Scanner.Catalogers.Go;

/// <summary>A Go module as the build info records it (after any <c>=&gt;</c> replacement).</summary>
public sealed record GoModule(string Path, string Version, string? Sum);

/// <summary>The build info the Go linker embeds in every module-aware binary.</summary>
/// <param name="GoVersion">Toolchain version, e.g. <c>go1.22.4</c>; empty when it could not be read.</param>
/// <param name="MainPath">Package path of the main package (<c>path</c> line).</param>
/// <param name="Main">Main module (<c>mod</c> line), when built in module mode.</param>
/// <param name="Dependencies">Modules linked in (<c>dep</c> lines), replacements applied.</param>
/// <param name="Settings">Build settings (<c>build</c> lines): GOOS, GOARCH, vcs.revision, ...</param>
public sealed record GoBuildInfo(
    string GoVersion,
    string? MainPath,
    GoModule? Main,
    IReadOnlyList<GoModule> Dependencies,
    IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>Parses the module info text (<c>runtime/debug.BuildInfo</c>'s serialized form, sentinels
    /// already stripped). Lines: <c>path</c>, <c>mod</c>, <c>dep</c>, <c>=&gt;</c> (replaces the line
    /// before it), <c>build</c>; fields are tab-separated.</summary>
    public static GoBuildInfo FromModInfo(string goVersion, string modInfo)
    {
        string? mainPath = null;
        GoModule? main = null;
        var dependencies = new List<GoModule>();
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var lastWasMain = false;
        foreach (var line in modInfo.Split('\n'))
        {
            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "path" when fields.Length >= 2:
                    mainPath = fields[1];
                    break;
                case "mod" when fields.Length >= 3:
                    main = Module(fields);
                    lastWasMain = true;
                    continue;
                case "dep" when fields.Length >= 3:
                    dependencies.Add(Module(fields));
                    lastWasMain = false;
                    continue;
                case "=>" when fields.Length >= 3:
                    // A replacement applies to the mod/dep line right above it.
                    if (lastWasMain && main is not null)
                    {
                        main = Module(fields);
                    }
                    else if (dependencies.Count > 0)
                    {
                        dependencies[^1] = Module(fields);
                    }
                    break;
                case "build" when fields.Length >= 2:
                    var setting = string.Join('\t', fields[1..]);
                    var equals = setting.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0)
                    {
                        settings[setting[..equals]] = setting[(equals + 1)..].Trim('"');
                    }
                    break;
            }
            lastWasMain = false;
        }
        return new GoBuildInfo(goVersion, mainPath, main, dependencies, settings);
    }

    private static GoModule Module(string[] fields) =>
        new(fields[1], fields[2], fields.Length > 3 && fields[3].Length > 0 ? fields[3] : null);
}
