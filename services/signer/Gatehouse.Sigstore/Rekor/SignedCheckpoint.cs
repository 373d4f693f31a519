using System.Globalization;
using System.Text;
using Gatehouse.Sigstore.Trust;

namespace Gatehouse.Sigstore.Rekor;

/// <summary>One signature line of a C2SP signed note: "— name base64(keyHint[4] || signature)".</summary>
internal sealed record NoteSignature(string Name, byte[] KeyHint, byte[] Signature);

/// <summary>
/// A transparency log checkpoint in C2SP signed-note form (origin, tree size, root hash, optional extra lines,
/// blank line, signature lines). Witness cosignatures with unknown keys are carried but ignored.
/// </summary>
internal sealed class SignedCheckpoint
{
    private const string SignaturePrefix = "\u2014 ";

    private SignedCheckpoint(string origin, long treeSize, byte[] rootHash, byte[] signedText, IReadOnlyList<NoteSignature> signatures)
    {
        Origin = origin;
        TreeSize = treeSize;
        RootHash = rootHash;
        SignedText = signedText;
        Signatures = signatures;
    }

    public string Origin { get; }

    public long TreeSize { get; }

    public byte[] RootHash { get; }

    /// <summary>The note text the log signed: everything before the blank line, including its final newline.</summary>
    public byte[] SignedText { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    public static SignedCheckpoint Parse(string envelope)
    {
        var split = envelope.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw Invalid("checkpoint has no blank line before its signatures");
        }

        var text = envelope[..(split + 1)];
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0)
        {
            throw Invalid("checkpoint must have origin, tree size and root hash lines");
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            throw Invalid($"checkpoint tree size '{lines[1]}' is not a number");
        }

        var rootHash = new byte[32];
        if (!Convert.TryFromBase64String(lines[2], rootHash, out var written) || written != 32)
        {
            throw Invalid("checkpoint root hash is not a base64 SHA-256 hash");
        }

        var signatures = new List<NoteSignature>();
        var signatureBlock = envelope[(split + 2)..];
        if (signatureBlock.Length == 0)
        {
            throw Invalid("checkpoint has no signature lines");
        }

        if (!signatureBlock.EndsWith('\n'))
        {
            throw Invalid("checkpoint signature block must end with a newline");
        }

        foreach (var line in signatureBlock[..^1].Split('\n'))
        {
            signatures.Add(ParseSignatureLine(line));
        }

        return new SignedCheckpoint(lines[0], treeSize, rootHash, Encoding.UTF8.GetBytes(text), signatures);
    }

    /// <summary>
    /// Requires at least one signature from <paramref name="log"/>'s key (matched by key hint) and that every
    /// signature carrying that hint verifies; lines from other keys (witnesses) are ignored.
    /// </summary>
    public void VerifySignedBy(TrustedLog log)
    {
        var verified = 0;
        foreach (var signature in Signatures)
        {
            if (!signature.KeyHint.AsSpan().SequenceEqual(log.CheckpointKeyHint))
            {
                continue;
            }

            if (log.Key is null || !log.Key.VerifyData(SignedText, signature.Signature, log.Scheme))
            {
                throw Invalid($"checkpoint signature from '{signature.Name}' does not verify with the key of {log.BaseUrl}");
            }

            verified++;
        }

        if (verified == 0)
        {
            throw Invalid($"checkpoint carries no signature from the key of {log.BaseUrl}");
        }
    }

    private static NoteSignature ParseSignatureLine(string line)
    {
        if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            throw Invalid("checkpoint signature line must start with an em dash");
        }

        var rest = line[SignaturePrefix.Length..];
        var space = rest.LastIndexOf(' ');
        if (space <= 0)
        {
            throw Invalid("checkpoint signature line must be '— name signature'");
        }

        var buffer = new byte[rest.Length];
        if (!Convert.TryFromBase64String(rest[(space + 1)..], buffer, out var length) || length < 5)
        {
            throw Invalid("checkpoint signature is not base64 of key hint and signature");
        }

        return new NoteSignature(rest[..space], buffer[..4], buffer[4..length]);
    }

    private static VerificationException Invalid(string message) => new(VerificationFailureReason.CheckpointInvalid, message);
}
