namespace Gatehouse.Policy.Model;

public enum IssueSeverity { Error, Warning }

/// <summary>One problem found while loading a policy, located by source, line and field path.</summary>
/// <param name="Source">File path, or <c>kubernetes:imagepolicies/name</c>.</param>
/// <param name="Path">Field path, e.g. <c>spec.signatures.anyOf[0].keyless.identityRegex</c>.</param>
public sealed record PolicyIssue(string Source, int? Line, string Path, string Message, IssueSeverity Severity = IssueSeverity.Error)
{
    /// <summary><c>prod.yaml:12: spec.mode: must be one of enforce, warn, audit (was 'enforced')</c>.</summary>
    public override string ToString()
    {
        var location = Line is { } line ? $"{Source}:{line}" : Source;
        var kind = Severity == IssueSeverity.Warning ? "warning: " : "";
        return Path.Length == 0 ? $"{location}: {kind}{Message}" : $"{location}: {kind}{Path}: {Message}";
    }
}

/// <summary>Policies read from one or more sources, with every problem found (nothing stops at the first error).</summary>
public sealed record PolicyLoadResult(IReadOnlyList<ImagePolicy> Policies, IReadOnlyList<PolicyIssue> Issues)
{
    public IEnumerable<PolicyIssue> Errors => Issues.Where(i => i.Severity == IssueSeverity.Error);

    public bool Succeeded => !Errors.Any();

    /// <summary>The policies, or a <see cref="PolicyValidationException"/> listing every error.</summary>
    public IReadOnlyList<ImagePolicy> GetPoliciesOrThrow() =>
        Succeeded ? Policies : throw new PolicyValidationException([.. Errors]);
}

public sealed class PolicyValidationException : Exception
{
    public PolicyValidationException(IReadOnlyList<PolicyIssue> issues)
        : base("invalid image policy:\n  " + string.Join("\n  ", issues)) => Issues = issues;

    public PolicyValidationException()
        : this([])
    {
    }

    public PolicyValidationException(string message)
        : base(message) => Issues = [];

    public PolicyValidationException(string message, Exception innerException)
        : base(message, innerException) => Issues = [];

    public IReadOnlyList<PolicyIssue> Issues { get; }
}

/// <summary>How strictly to read.</summary>
/// <param name="Now">What "in the past" means for allow-list expiries.</param>
/// <param name="ExpiredExceptionsAreErrors">
/// True for authoring and CI (<c>gatehouse policy test</c>): an expired allow-list entry is an error. The running
/// service passes false: a policy must not stop loading because time passed; the entry stops applying and
/// decisions report it.
/// </param>
/// <param name="ResolveSecretKey">Returns the PEM of a <c>secretRef</c> key, or null; without it secretRef is an error.</param>
public sealed record PolicyLoadOptions(
    DateTimeOffset Now,
    bool ExpiredExceptionsAreErrors = true,
    Func<SecretKeyReference, string?>? ResolveSecretKey = null);
