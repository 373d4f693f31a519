namespace Gatehouse.Scanner.Versioning.Tests;

public class RobustnessTests
{
    private static readonly string[] Hostile =
    [
        null!, string.Empty, " ", "\0", "\n", "-", ":", "~", "^", "+", ".", "v", "=", "1.", "1:1:1", "1--1", "1__1", "1~~~",
        "\uD800", "\uDC00", "1.\U0001D7E4", "\U0001D7E4", "\u0130", "\u0391\u03a3", "\u0668", "1.0\r\n", "1.0\u0000",
        new string('9', 10_000), "1." + new string('9', 5_000), string.Join("-", Enumerable.Repeat("1", 2_000)),
        "1" + new string('-', 300), "1.0.0-" + string.Join(".", Enumerable.Repeat("0a", 500)),
    ];

    public static TheoryData<string> SchemeKeys
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (IVersionScheme scheme in VersionSchemes.BuiltIn.Schemes)
            {
                data.Add(scheme.Name);
            }

            data.Add("dpkg-tool");
            data.Add("dpkg-lenient");
            data.Add("apk-lenient");
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SchemeKeys))]
    public void Bad_input_is_reported_never_thrown(string key)
    {
        IVersionScheme scheme = SchemeFor(key);
        foreach (string text in Hostile)
        {
            bool parsed = scheme.TryParse(text, out IComparableVersion? version, out string? error);
            Assert.True(parsed ? version is not null && error is null : version is null && !string.IsNullOrEmpty(error));
            foreach ((string a, string b) in new[] { (text, "1"), ("1", text), (text, text) })
            {
                if (!scheme.TryCompare(a, b, out _, out error))
                {
                    Assert.StartsWith("invalid version '", error, StringComparison.Ordinal);
                    Assert.DoesNotContain('\n', error);
                    Assert.Throws<InvalidVersionException>(() => scheme.Compare(a, b));
                }
            }
        }
    }

    // The allocation-free string path and the parsed path are separate code; on random input they
    // must accept the same strings and give the same, antisymmetric answers.
    [Theory]
    [MemberData(nameof(SchemeKeys))]
    public void String_and_parsed_paths_agree_on_random_input(string key)
    {
        IVersionScheme scheme = SchemeFor(key);
        var random = new Random(key.GetHashCode(StringComparison.Ordinal) ^ 4);
        int bothValid = 0;
        for (int n = 0; n < 3_000; n++)
        {
            string a = RandomVersion(random);
            string b = random.Next(4) == 0 ? a : RandomVersion(random);
            bool compared = scheme.TryCompare(a, b, out int sign, out _);
            bool aParsed = scheme.TryParse(a, out IComparableVersion? va, out _);
            bool bParsed = scheme.TryParse(b, out IComparableVersion? vb, out _);
            if (key == "apk-lenient")
            {
                // Lenient apk may compare malformed text; it must still agree with itself reversed.
                Assert.Equal(compared, scheme.TryCompare(b, a, out int reversedLenient, out _));
                Assert.True(!compared || reversedLenient == -sign, $"'{a}' vs '{b}'");
                continue;
            }

            Assert.True(compared == (aParsed && bParsed), $"{scheme.Name}: '{a}' vs '{b}' compared={compared} parsed={aParsed},{bParsed}");
            if (compared)
            {
                bothValid++;
                Assert.Equal(Math.Sign(va!.CompareTo(vb)), sign);
                Assert.True(scheme.TryCompare(b, a, out int reversed, out _));
                Assert.True(reversed == -sign, $"{scheme.Name}: '{a}' vs '{b}' = {sign}, reversed {reversed}");
            }
        }

        Assert.True(key == "apk-lenient" || bothValid > 30, $"{scheme.Name}: only {bothValid} valid random pairs; generator too weak");
    }

    // Matching compares millions of versions: the span-based schemes must not allocate per compare.
    [Theory]
    [InlineData("dpkg", "1:2.30.2-1+deb11u2", "1:2.30.2-1+deb11u10")]
    [InlineData("rpm", "2:1.0.2k-26.el7_9", "2:1.0.2k-25.el7_9")]
    [InlineData("apk", "1.2.3_rc1-r2", "1.2.3_rc1-r10")]
    [InlineData("generic", "2024.01.05-beta2", "2024.1.5")]
    public void Span_based_compare_does_not_allocate(string name, string a, string b)
    {
        Assert.True(VersionSchemes.BuiltIn.TryGet(name, out IVersionScheme? scheme));
        for (int i = 0; i < 1_000; i++)
        {
            scheme.TryCompare(a, b, out _, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 100_000; i++)
        {
            scheme.TryCompare(a, b, out int sign, out _);
            total += sign;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotEqual(0, total);
        Assert.Equal(0, allocated);
    }

    // Version-shaped strings (often an "n.n.n" core, then separator/word/number tokens) with an
    // occasional random character, so every scheme sees both valid and invalid input.
    private static string RandomVersion(Random random)
    {
        string[] numbers = ["0", "1", "2", "9", "10", "01", "007", "18446744073709551616"];
        string[] words = ["a", "b", "c", "r", "p", "rc", "alpha", "beta", "pre", "post", "dev", "git", "SNAPSHOT", "sp", "ga", "x", "RC"];
        string[] separators = [".", ".", "-", "-", "_", "~", "^", "+", ":", "!", string.Empty];
        var text = new System.Text.StringBuilder();
        if (random.Next(3) > 0)
        {
            text.Append(Pick(random, numbers)).Append('.').Append(Pick(random, numbers)).Append('.').Append(Pick(random, numbers));
        }
        else
        {
            text.Append(Pick(random, numbers));
        }

        for (int tokens = random.Next(4); tokens > 0; tokens--)
        {
            text.Append(Pick(random, separators)).Append(random.Next(2) == 0 ? Pick(random, numbers) : Pick(random, words));
        }

        if (random.Next(8) == 0)
        {
            const string Noise = "0123456789.-_~^+:!@ vVaZ";
            text[random.Next(text.Length)] = Noise[random.Next(Noise.Length)];
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    private static IVersionScheme SchemeFor(string key) => key switch
    {
        "dpkg-tool" => DpkgVersionScheme.DpkgTool,
        "dpkg-lenient" => DpkgVersionScheme.Lenient,
        "apk-lenient" => ApkVersionScheme.Lenient,
        _ => VersionSchemes.BuiltIn.TryGet(key, out IVersionScheme? scheme) ? scheme : throw new ArgumentException(key),
    };
}
