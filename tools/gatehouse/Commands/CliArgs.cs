namespace Gatehouse.Cli.Commands;

/// <summary>Minimal <c>--name value</c> / <c>--flag</c> parsing for verbs; unknown options are errors.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    public IReadOnlyList<string> Positionals => _positionals;

    /// <param name="valueOptions">Options that take a value (e.g. <c>--format</c>).</param>
    /// <param name="flags">Options without a value (e.g. <c>--batch</c>).</param>
    public static CliArgs Parse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var parsed = new CliArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed._positionals.Add(arg);
                continue;
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            if (flags.Contains(name)) parsed._options[name] = null;
            else if (valueOptions.Contains(name))
            {
                var value = eq > 0 ? arg[(eq + 1)..] : i + 1 < args.Length ? args[++i] : throw new CliUsageException($"option {name} needs a value");
                parsed._options[name] = value;
            }
            else throw new CliUsageException($"unknown option {name}");
        }
        return parsed;
    }

    public string? Value(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public bool Flag(string name) => _options.ContainsKey(name);
}

public sealed class CliUsageException(string message) : Exception(message);
