using System.Text;

namespace Gatehouse.Oci.Registry;

/// <summary>One WWW-Authenticate challenge: a scheme (Basic, Bearer) and its parameters (realm, service, scope).</summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<AuthChallenge> FromResponse(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)
            ? values.SelectMany(Parse).ToList()
            : [];

    /// <summary>
    /// Parses a header value such as <c>Bearer realm="https://auth/token",service="reg",scope="repository:a:pull,push"</c>.
    /// Quoted values may hold commas, so this tokenizes rather than splitting; several challenges may share a line.
    /// </summary>
    public static IReadOnlyList<AuthChallenge> Parse(string header)
    {
        var challenges = new List<AuthChallenge>();
        var i = 0;
        string? scheme = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipSeparators(header, ref i);
            if (i >= header.Length)
            {
                break;
            }

            var token = ReadToken(header, ref i);
            if (token.Length == 0)
            {
                i++; // Skip a character we do not understand rather than loop forever.
                continue;
            }

            SkipSpaces(header, ref i);
            if (i < header.Length && header[i] == '=')
            {
                i++;
                SkipSpaces(header, ref i);
                var value = i < header.Length && header[i] == '"' ? ReadQuoted(header, ref i) : ReadToken(header, ref i);
                if (scheme is not null)
                {
                    parameters[token] = value;
                }

                continue;
            }

            // A bare token starts a new challenge.
            if (scheme is not null)
            {
                challenges.Add(new AuthChallenge(scheme, parameters));
            }

            scheme = token;
            parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        if (scheme is not null)
        {
            challenges.Add(new AuthChallenge(scheme, parameters));
        }

        return challenges;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ',' || char.IsWhiteSpace(s[i])))
        {
            i++;
        }
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is not (',' or '=' or '"') && !char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var builder = new StringBuilder();
        i++; // opening quote
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            builder.Append(s[i]);
            i++;
        }

        i++; // closing quote
        return builder.ToString();
    }
}
