using Gatehouse.Bench;

// dotnet run -c Release --project tools/bench -- <name> [options]; each benchmark ends with one "RESULT <name> ..." line.
return args.FirstOrDefault() switch
{
    "sbom" => await SbomBenchmark.RunAsync(),
    "verify" => await VerifyBenchmark.RunAsync(args[1..]),
    "match" => await MatchBenchmark.RunAsync(args[1..]),
    "reevaluate" => await ReevaluateBenchmark.RunAsync(args[1..]),
    "import" => await ImportBenchmark.RunAsync(args[1..]),
    "admission" => await AdmissionBenchmark.RunAsync(args[1..]),
    "where" => await WhereBenchmark.RunAsync(args[1..]),
    "impact" => await ImpactBenchmark.RunAsync(args[1..]),
    _ => await UsageAsync(),
};

static async Task<int> UsageAsync()
{
    await Console.Error.WriteLineAsync("usage: gatehouse-bench sbom|verify|match|reevaluate|import|admission|where|impact [options]");
    return 1;
}
