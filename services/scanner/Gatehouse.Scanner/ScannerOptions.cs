using Gatehouse.Scanner.Inventory;
using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner;

/// <summary>Scanner settings (section <c>Gatehouse:Scanner</c>).</summary>
public sealed class ScannerOptions
{
    public const string Section = "Gatehouse:Scanner";

    /// <summary>Bounds on what one image may cost to read; exceeding one fails the image with a clear reason.</summary>
    public ScanLimits Limits { get; set; } = new();

    /// <summary>How long one consumer's claim on extracting a digest lasts (it is released when extraction ends).</summary>
    public TimeSpan ExtractionClaim { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a consumer that lost the claim waits for the winner's record before handing the message to retry.</summary>
    public TimeSpan ClaimWait { get; set; } = TimeSpan.FromSeconds(60);
}

internal sealed class ScannerOptionsValidator : IValidateOptions<ScannerOptions>
{
    public ValidateOptionsResult Validate(string? name, ScannerOptions options)
    {
        var l = options.Limits;
        var errors = new List<string>();
        if (l.MaxTotalUncompressedBytes <= 0) errors.Add("Gatehouse:Scanner:Limits:MaxTotalUncompressedBytes must be positive.");
        if (l.MaxEntries <= 0) errors.Add("Gatehouse:Scanner:Limits:MaxEntries must be positive.");
        if (l.MaxBytesPerFile <= 0 || l.MaxBytesPerFile > l.MaxTotalCapturedBytes)
            errors.Add("Gatehouse:Scanner:Limits:MaxBytesPerFile must be positive and at most MaxTotalCapturedBytes.");
        if (l.MaxNestedArchiveDepth is < 0 or > 16) errors.Add("Gatehouse:Scanner:Limits:MaxNestedArchiveDepth must be between 0 and 16.");
        if (options.ExtractionClaim <= TimeSpan.Zero) errors.Add("Gatehouse:Scanner:ExtractionClaim must be positive.");
        if (options.ClaimWait < TimeSpan.Zero) errors.Add("Gatehouse:Scanner:ClaimWait must not be negative.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
