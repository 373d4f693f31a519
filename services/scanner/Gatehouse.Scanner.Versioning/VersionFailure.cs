namespace Gatehouse.Scanner.Versioning;

// Which side of a comparison was invalid and why; formatted once so every scheme and the CLI agree.
internal readonly record struct VersionFailure(string Side, string? Text, string Reason)
{
    public string Message => Describe(Side, Text, Reason);

    public static string Describe(string side, string? text, string reason) =>
        text is null
            ? $"invalid version '{side}' (null): {reason}"
            : $"invalid version '{side}' ('{VersionText.Escape(text)}'): {reason}";
}
