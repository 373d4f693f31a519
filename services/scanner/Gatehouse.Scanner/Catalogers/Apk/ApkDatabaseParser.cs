namespace Gatehouse.Scanner.Catalogers.Apk;

/// <summary>One package record of <c>lib/apk/db/installed</c>.</summary>
internal sealed record ApkEntry(
    string Name,
    string Version,
    string? Architecture,
    string? Origin,
    string? License,
    string? Maintainer,
    string? Url,
    IReadOnlyList<string> Depends,
    IReadOnlyList<string> Provides,
    IReadOnlyList<string> Files)
{
    public (string, string, string?) Key => (Name, Version, Architecture);
}

/// <summary>
/// Parses apk's installed database: records separated by blank lines, one <c>X:value</c> line per field
/// (P name, V version, A arch, o origin, L licence, m maintainer, U url, D depends, p provides, F directory,
/// R file in the last F). Unknown fields are ignored; a line of another shape is reported and skipped.
/// </summary>
internal static class ApkDatabaseParser
{
    public static List<ApkEntry> Parse(string text, Action<string>? reportProblem)
    {
        var entries = new List<ApkEntry>();
        var record = new Record();
        var lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.IsWhiteSpace())
            {
                record.FlushInto(entries, reportProblem);
                continue;
            }
            if (line.Length < 2 || line[1] != ':')
            {
                reportProblem?.Invoke($"line {lineNumber}: '{(line.Length > 60 ? line[..60].ToString() + "…" : line.ToString())}' is not an 'X:value' line");
                continue;
            }
            record.Add(line[0], line[2..].ToString());
        }
        record.FlushInto(entries, reportProblem);
        return entries;
    }

    /// <summary>Name of a dependency token: <c>musl&gt;=1.2</c> → musl; conflicts (<c>!name</c>) give null.</summary>
    public static string? DependencyName(string token)
    {
        if (token.Length == 0 || token[0] == '!')
        {
            return null;
        }
        var end = token.AsSpan().IndexOfAny("<>=~");
        return end == 0 ? null : end < 0 ? token : token[..end];
    }

    /// <summary>Name of a provides token: <c>so:libz.so.1=1.2.13</c> → so:libz.so.1.</summary>
    public static string ProvideName(string token)
    {
        var end = token.IndexOf('=', StringComparison.Ordinal);
        return end < 0 ? token : token[..end];
    }

    private sealed class Record
    {
        private readonly List<string> _files = [];
        private string? _name;
        private string? _version;
        private string? _arch;
        private string? _origin;
        private string? _license;
        private string? _maintainer;
        private string? _url;
        private string _depends = "";
        private string _provides = "";
        private string? _directory;
        private bool _any;

        public void Add(char field, string value)
        {
            _any = true;
            switch (field)
            {
                case 'P': _name = value.Trim(); break;
                case 'V': _version = value.Trim(); break;
                case 'A': _arch = value.Trim(); break;
                case 'o': _origin = value.Trim(); break;
                case 'L': _license = value.Trim(); break;
                case 'm': _maintainer = value.Trim(); break;
                case 'U': _url = value.Trim(); break;
                case 'D': _depends = value; break;
                case 'p': _provides = value; break;
                case 'F': _directory = value.Trim('/'); break;
                case 'R': _files.Add(string.IsNullOrEmpty(_directory) ? value : _directory + "/" + value); break;
            }
        }

        public void FlushInto(List<ApkEntry> entries, Action<string>? reportProblem)
        {
            if (!_any)
            {
                return;
            }
            if (string.IsNullOrEmpty(_name))
            {
                reportProblem?.Invoke("a record without a package name (P:) was skipped");
            }
            else
            {
                var depends = Split(_depends).Select(DependencyName).OfType<string>().ToList();
                var provides = Split(_provides).Select(ProvideName).ToList();
                entries.Add(new ApkEntry(_name, _version ?? "", Empty(_arch), Empty(_origin), Empty(_license), Empty(_maintainer), Empty(_url),
                    depends, provides, [.. _files]));
            }
            _files.Clear();
            _name = _version = _arch = _origin = _license = _maintainer = _url = _directory = null;
            _depends = _provides = "";
            _any = false;
        }

        private static string[] Split(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
