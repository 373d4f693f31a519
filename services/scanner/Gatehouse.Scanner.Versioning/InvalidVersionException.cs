namespace Gatehouse.Scanner.Versioning;

// Thrown only by IVersionScheme.Compare; every other API reports bad versions without throwing.
public sealed class InvalidVersionException : FormatException
{
    public InvalidVersionException()
    {
    }

    public InvalidVersionException(string message)
        : base(message)
    {
    }

    public InvalidVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidVersionException(string schemeName, string side, string? text, string reason)
        : base(VersionFailure.Describe(side, text, reason))
    {
        SchemeName = schemeName;
        Side = side;
        Text = text;
        Reason = reason;
    }

    public string? SchemeName { get; }

    // "a" or "b": which argument of Compare was invalid.
    public string? Side { get; }

    public string? Text { get; }

    public string? Reason { get; }
}
