using System.Text;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>
/// A strict SPDX license-expression check: <c>AND</c>/<c>OR</c>/<c>WITH</c>, parentheses, the <c>+</c>
/// suffix and <c>LicenseRef-</c>/<c>DocumentRef-</c> references. Every plain identifier must be a known
/// SPDX id, so free text such as "BSD License" or "PSF license" is not mistaken for an expression.
/// Returns the expression re-rendered with canonical id casing and upper-case operators.
/// </summary>
public static class SpdxExpression
{
    public static bool TryNormalize(string text, out string normalized)
    {
        normalized = "";
        var tokens = Tokenize(text);
        if (tokens is null || tokens.Count == 0)
        {
            return false;
        }
        var parser = new Parser(tokens);
        var node = parser.ParseOr();
        if (node is null || !parser.AtEnd)
        {
            return false;
        }
        normalized = node.Render(parentPrecedence: 0);
        return true;
    }

    private static List<string>? Tokenize(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (c is '(' or ')' || char.IsWhiteSpace(c))
            {
                Flush();
                if (!char.IsWhiteSpace(c))
                {
                    tokens.Add(c.ToString());
                }
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '+' or ':')
            {
                current.Append(c);
            }
            else
            {
                return null;
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
    }

    private abstract record Node
    {
        public abstract string Render(int parentPrecedence);
    }

    private sealed record Leaf(string Text) : Node
    {
        public override string Render(int parentPrecedence) => Text;
    }

    // Precedence per the SPDX spec: WITH (3) binds tighter than AND (2), which binds tighter than OR (1).
    private sealed record Binary(string Operator, int Precedence, Node Left, Node Right) : Node
    {
        public override string Render(int parentPrecedence)
        {
            var text = $"{Left.Render(Precedence)} {Operator} {Right.Render(Precedence + 1)}";
            return Precedence < parentPrecedence ? $"({text})" : text;
        }
    }

    private sealed class Parser(List<string> tokens)
    {
        private int _position;

        public bool AtEnd => _position == tokens.Count;

        public Node? ParseOr() => ParseBinary("OR", 1, ParseAnd);

        private Node? ParseAnd() => ParseBinary("AND", 2, ParseWith);

        private Node? ParseBinary(string op, int precedence, Func<Node?> operand)
        {
            var left = operand();
            while (left is not null && IsOperator(op))
            {
                _position++;
                var right = operand();
                left = right is null ? null : new Binary(op, precedence, left, right);
            }
            return left;
        }

        private Node? ParseWith()
        {
            var license = ParsePrimary();
            if (license is null || !IsOperator("WITH"))
            {
                return license;
            }
            _position++;
            if (license is not Leaf || AtEnd || !SpdxLicenseIds.TryGetCanonicalException(tokens[_position], out var exception))
            {
                return null;
            }
            _position++;
            return new Binary("WITH", 3, license, new Leaf(exception));
        }

        private Node? ParsePrimary()
        {
            if (AtEnd)
            {
                return null;
            }
            var token = tokens[_position++];
            if (token == "(")
            {
                var inner = ParseOr();
                if (inner is null || AtEnd || tokens[_position] != ")")
                {
                    return null;
                }
                _position++;
                return inner;
            }
            return LicenseReference(token) is { } leaf ? new Leaf(leaf) : null;
        }

        private bool IsOperator(string op) =>
            !AtEnd && string.Equals(tokens[_position], op, StringComparison.OrdinalIgnoreCase);

        private static string? LicenseReference(string token)
        {
            if (token.StartsWith("LicenseRef-", StringComparison.OrdinalIgnoreCase) ||
                token.StartsWith("DocumentRef-", StringComparison.OrdinalIgnoreCase))
            {
                return token.Length > "LicenseRef-".Length ? token : null;
            }
            if (SpdxLicenseIds.TryGetCanonical(token, out var exact))
            {
                return exact;
            }
            // "GPL-2.0+" is listed itself; "Apache-2.0+" is the id plus the or-later operator.
            return token.EndsWith('+') && SpdxLicenseIds.TryGetCanonical(token[..^1], out var id) ? id + "+" : null;
        }
    }
}
