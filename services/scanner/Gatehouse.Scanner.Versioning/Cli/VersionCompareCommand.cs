namespace Gatehouse.Scanner.Versioning;

// `gatehouse versions compare --scheme <name> <a> <b>` and `... --scheme <name> --batch`.
// args start after "versions compare". Exit codes: 0 success, 1 some batch line failed,
// 2 usage error, unknown scheme or invalid version.
public static class VersionCompareCommand
{
    public const int Success = 0;
    public const int BatchHadErrors = 1;
    public const int UsageOrInvalid = 2;

    private const string Usage =
        "usage: gatehouse versions compare --scheme <name> <a> <b>\n" +
        "       gatehouse versions compare --scheme <name> --batch   (reads 'a<TAB>b' lines from stdin)\n" +
        "prints -1, 0 or 1 for a older than, equal to or newer than b";

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!TryParseArguments(args ?? [], out Arguments parsed, out string? problem))
        {
            stderr.WriteLine($"error: {problem}");
            stderr.WriteLine(Usage);
            return UsageOrInvalid;
        }

        if (parsed.Help)
        {
            stdout.WriteLine(Usage);
            return Success;
        }

        if (!VersionSchemes.BuiltIn.TryGet(parsed.Scheme!, out IVersionScheme? scheme))
        {
            stderr.WriteLine($"error: unknown version scheme '{parsed.Scheme}'; known schemes: {VersionSchemes.BuiltIn.DescribeNames()}");
            return UsageOrInvalid;
        }

        return parsed.Batch ? RunBatch(scheme, stdin, stdout) : RunSingle(scheme, parsed.A!, parsed.B!, stdout, stderr);
    }

    private static int RunSingle(IVersionScheme scheme, string a, string b, TextWriter stdout, TextWriter stderr)
    {
        if (!scheme.TryCompare(a, b, out int sign, out string? error))
        {
            stderr.WriteLine($"error: {error}");
            return UsageOrInvalid;
        }

        stdout.WriteLine(sign);
        return Success;
    }

    // One output line per input line, so results stay aligned with the input.
    private static int RunBatch(IVersionScheme scheme, TextReader stdin, TextWriter stdout)
    {
        int exitCode = Success;
        int lineNumber = 0;
        while (stdin.ReadLine() is { } line)
        {
            lineNumber++;
            string[] fields = line.Split('\t');
            string? error;
            if (fields.Length != 2)
            {
                error = $"line {lineNumber}: expected 'a<TAB>b', found {fields.Length} field(s)";
            }
            else if (scheme.TryCompare(fields[0], fields[1], out int sign, out error))
            {
                stdout.WriteLine(sign);
                continue;
            }
            else
            {
                error = $"line {lineNumber}: {error}";
            }

            stdout.WriteLine($"error: {error}");
            exitCode = BatchHadErrors;
        }

        return exitCode;
    }

    private static bool TryParseArguments(string[] args, out Arguments parsed, out string? problem)
    {
        parsed = new Arguments();
        var positional = new List<string>();
        bool optionsEnded = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i] ?? string.Empty;
            if (optionsEnded || !arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
            }
            else if (arg == "--")
            {
                optionsEnded = true;
            }
            else if (arg is "-h" or "--help")
            {
                parsed.Help = true;
            }
            else if (arg == "--batch")
            {
                parsed.Batch = true;
            }
            else if (arg == "--scheme" && i + 1 < args.Length)
            {
                parsed.Scheme = args[++i];
            }
            else if (arg.StartsWith("--scheme=", StringComparison.Ordinal))
            {
                parsed.Scheme = arg["--scheme=".Length..];
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                problem = arg == "--scheme" ? "--scheme needs a value" : $"unknown option '{arg}'";
                return false;
            }
            else
            {
                // Only "-h" is a short option; "-1" or "-r1" is a (probably invalid) version.
                positional.Add(arg);
            }
        }

        problem = parsed switch
        {
            { Help: true } => null,
            { Scheme: null or "" } => "--scheme is required",
            { Batch: true } when positional.Count != 0 => "--batch takes no version arguments",
            { Batch: false } when positional.Count != 2 => $"expected two versions, got {positional.Count}",
            _ => null,
        };
        if (!parsed.Batch && positional.Count == 2)
        {
            parsed.A = positional[0];
            parsed.B = positional[1];
        }

        return problem is null;
    }

    private sealed class Arguments
    {
        public bool Help { get; set; }

        public bool Batch { get; set; }

        public string? Scheme { get; set; }

        public string? A { get; set; }

        public string? B { get; set; }
    }
}
