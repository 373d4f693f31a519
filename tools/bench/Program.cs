using Gatehouse.Bench;

// dotnet run -c Release --project tools/bench -- <sbom|verify>
switch (args.FirstOrDefault())
{
    case "sbom":
        return await SbomBenchmark.RunAsync();
    case "verify":
        return await VerifyBenchmark.RunAsync(args[1..]);
    default:
        await Console.Error.WriteLineAsync("usage: gatehouse-bench sbom|verify");
        return 1;
}
