namespace Gatehouse.Policy.Tests;

internal static class TestKeys
{
    /// <summary>The P-256 release key of the prod example policy.</summary>
    public const string ReleaseKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3yog79ckKKPDqx82iK/R3gUCf9as
        sBWLEsl6lh6iNXniYUGUgNYz2wA57yRWO3LIbeG5GNvWQi3cRMSaU6Vl0w==
        -----END PUBLIC KEY-----
        """;

    /// <summary>sha256 of its DER SubjectPublicKeyInfo (computed independently with openssl).</summary>
    public const string ReleaseKeyId = "sha256:c3cba89ab0c9f0a2c64f41c21c03702583468082518d72925b56a8415798dfda";

    public static string Indented(string pem, int spaces) =>
        string.Join("\n", pem.Split('\n').Select(l => new string(' ', spaces) + l));
}
