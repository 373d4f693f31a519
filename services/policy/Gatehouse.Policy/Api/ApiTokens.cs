using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Api;

/// <summary>
/// The accepted API tokens, held only as SHA-256 hashes. A presented token is hashed and compared with every
/// accepted hash in constant time (no early exit), so neither the comparison nor which token matched leaks
/// through timing. The token file is read again every <see cref="ApiAuthOptions.TokenFileRefresh"/>; a file
/// that became unreadable or empty keeps the tokens last read (with a warning) rather than locking everyone out.
/// </summary>
public sealed partial class ApiTokens
{
    /// <summary>Longer presented values are refused before hashing (a header or form field is no place for megabytes).</summary>
    public const int MaxTokenLength = 4096;

    private readonly ApiAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiTokens> _logger;
    private readonly byte[][] _configured;
    private volatile Held _held;

    private sealed record Held(byte[][] Hashes, DateTimeOffset ReadAt);

    public ApiTokens(IOptions<ApiAuthOptions> options, TimeProvider time, ILogger<ApiTokens> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _configured = [.. _options.Tokens.Where(t => Problem(t) is null).Select(Hash)];
        _held = new Held(_configured, DateTimeOffset.MinValue);
        if (_options.Auth == ApiAuthMode.None) LogUnauthenticated(_logger, ApiAuthOptions.Section);
    }

    public bool Required => _options.Auth == ApiAuthMode.Tokens;

    /// <returns>A name for the accepted token (<c>token-</c> and the start of its hash, for logs), or null when it is not accepted.</returns>
    public string? Identify(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return null;
        var hashes = Current();
        var presented = Hash(token);
        var match = -1;
        for (var i = 0; i < hashes.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, hashes[i])) match = i;
        }
        return match < 0 ? null : "token-" + Convert.ToHexStringLower(hashes[match].AsSpan(0, 4));
    }

    /// <summary>Why a configured token is refused (null: it is usable).</summary>
    public static string? Problem(string? token) =>
        string.IsNullOrEmpty(token) ? "is empty"
        : token.Length < ApiAuthOptions.MinTokenLength ? $"is shorter than {ApiAuthOptions.MinTokenLength} characters"
        : token.Length > MaxTokenLength ? $"is longer than {MaxTokenLength} characters"
        : token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "contains white space or control characters"
        : null;

    /// <summary>The usable tokens of a token file, the lines refused (by number, never by content) and why the file could not be read.</summary>
    public static (IReadOnlyList<string> Tokens, IReadOnlyList<(int Line, string Problem)> Problems, string? Error) ReadFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ([], [], $"'{path}' cannot be read: {ex.Message}");
        }
        var tokens = new List<string>();
        var problems = new List<(int, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (Problem(line) is { } problem) problems.Add((i + 1, problem));
            else tokens.Add(line);
        }
        return (tokens, problems, null);
    }

    private byte[][] Current()
    {
        var held = _held;
        if (string.IsNullOrWhiteSpace(_options.TokenFile) || _time.GetUtcNow() - held.ReadAt < _options.TokenFileRefresh) return held.Hashes;
        var read = ReadFile(_options.TokenFile);
        if (read.Error is not null || read.Tokens.Count == 0)
        {
            LogTokenFileKept(_logger, _options.TokenFile, read.Error ?? "it holds no usable token");
            _held = held with { ReadAt = _time.GetUtcNow() };
            return held.Hashes;
        }
        var hashes = _configured.Concat(read.Tokens.Select(Hash)).ToArray();
        _held = new Held(hashes, _time.GetUtcNow());
        return hashes;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Section}:Auth is 'none': the API and the dashboard are served without authentication")]
    private static partial void LogUnauthenticated(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API token file {Path} was not reloaded ({Reason}); the tokens read before stay accepted")]
    private static partial void LogTokenFileKept(ILogger logger, string path, string reason);
}
