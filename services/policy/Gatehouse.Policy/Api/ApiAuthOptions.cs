using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Api;

public enum ApiAuthMode { Tokens, None }

/// <summary>
/// Authentication of the policy service's HTTP API (<c>/api/*</c>) and the dashboard (section <c>Gatehouse:Api</c>).
/// Bearer tokens are required unless <see cref="Auth"/> is explicitly <c>none</c> (a one-machine demo).
/// </summary>
public sealed class ApiAuthOptions
{
    public const string Section = "Gatehouse:Api";

    /// <summary>Shortest token accepted: a guessable token is no authentication.</summary>
    public const int MinTokenLength = 16;

    /// <summary><c>tokens</c> (the default): every request carries an accepted token; <c>none</c>: no authentication.</summary>
    public ApiAuthMode Auth { get; set; } = ApiAuthMode.Tokens;

    /// <summary>Accepted tokens (e.g. from an environment variable fed by a Secret).</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>A file with one accepted token a line (blank lines and <c>#</c> comments ignored), e.g. a mounted Secret; re-read periodically.</summary>
    public string TokenFile { get; set; } = "";

    /// <summary>How often <see cref="TokenFile"/> is read again, so a rotated Secret takes effect without a restart.</summary>
    public TimeSpan TokenFileRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the browser keeps the sign-in cookie.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Mark the cookie Secure even on plain HTTP (TLS terminated in front of the service); it always is over HTTPS.</summary>
    public bool SecureCookie { get; set; }
}

internal sealed class ApiAuthOptionsValidator : IValidateOptions<ApiAuthOptions>
{
    private const string Hint = $" Set {ApiAuthOptions.Section}:Tokens:0 or {ApiAuthOptions.Section}:TokenFile (one token a line, e.g. a mounted Secret; " +
        "generate one with `openssl rand -hex 32`), or set " + ApiAuthOptions.Section + ":Auth=none to serve the API and dashboard without authentication (demo only).";

    public ValidateOptionsResult Validate(string? name, ApiAuthOptions options)
    {
        var errors = new List<string>();
        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(30))
            errors.Add($"{ApiAuthOptions.Section}:SessionLifetime must be between 1 minute and 30 days.");
        if (options.TokenFileRefresh < TimeSpan.FromSeconds(1))
            errors.Add($"{ApiAuthOptions.Section}:TokenFileRefresh must be at least 1 second.");
        if (options.Auth == ApiAuthMode.None) return Result(errors);

        var count = 0;
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            if (ApiTokens.Problem(options.Tokens[i]) is { } problem) errors.Add($"{ApiAuthOptions.Section}:Tokens:{i} {problem}.");
            else count++;
        }
        if (!string.IsNullOrWhiteSpace(options.TokenFile))
        {
            var read = ApiTokens.ReadFile(options.TokenFile);
            if (read.Error is not null) errors.Add($"{ApiAuthOptions.Section}:TokenFile {read.Error}.");
            foreach (var (line, problem) in read.Problems) errors.Add($"{ApiAuthOptions.Section}:TokenFile '{options.TokenFile}' line {line}: the token {problem}.");
            count += read.Tokens.Count;
        }
        if (count == 0 && errors.Count == 0)
            errors.Add($"{ApiAuthOptions.Section}:Auth is 'tokens' (the default) but no API token is configured.{Hint}");
        return Result(errors);
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
