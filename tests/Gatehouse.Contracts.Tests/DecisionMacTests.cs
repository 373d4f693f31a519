using Gatehouse.Contracts.Decisions;

namespace Gatehouse.Contracts.Tests;

public sealed class DecisionMacTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static DecisionRecord Sample() => new(
        "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b", "prod", DecisionStatus.Deny,
        [new DecisionReason("vuln-critical-fixable", "CVE-2023-5678 (Critical, fixed in 3.0.13-1~deb12u1) in openssl", DecisionStatus.Deny)],
        7, "root-1", "osv-1", new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), null, null, "");

    [Fact]
    public void A_signed_record_verifies()
    {
        var mac = new DecisionMac(Key);
        Assert.True(mac.Verify(mac.Sign(Sample())));
    }

    public static TheoryData<string> Tamperings() => ["status", "reason", "digest", "profile", "generation", "trust", "advisory", "validUntil", "mac"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void Any_change_breaks_the_mac(string field)
    {
        var mac = new DecisionMac(Key);
        var signed = mac.Sign(Sample());
        var tampered = field switch
        {
            "status" => signed with { Status = DecisionStatus.Allow },
            "reason" => signed with { Reasons = [] },
            "digest" => signed with { Digest = "sha256:" + new string('0', 64) },
            "profile" => signed with { Profile = "dev" },
            "generation" => signed with { PolicyGeneration = 8 },
            "trust" => signed with { TrustRootVersion = "root-2" },
            "advisory" => signed with { AdvisoryDataVersion = "osv-2" },
            "validUntil" => signed with { ValidUntil = DateTimeOffset.MaxValue },
            _ => signed with { Mac = Convert.ToBase64String(new byte[32]) },
        };
        Assert.False(mac.Verify(tampered));
    }

    [Fact]
    public void Another_key_or_garbage_does_not_verify()
    {
        var signed = new DecisionMac(Key).Sign(Sample());
        Assert.False(new DecisionMac(Enumerable.Repeat((byte)7, 32).ToArray()).Verify(signed));
        Assert.False(new DecisionMac(Key).Verify(signed with { Mac = "not base64!" }));
        Assert.Throws<ArgumentException>(() => new DecisionMac(new byte[16]));
    }

    [Fact]
    public void Field_boundaries_are_unambiguous()
    {
        // Moving characters between adjacent fields must change the MAC (length-prefixed encoding).
        var mac = new DecisionMac(Key);
        var a = Sample() with { TrustRootVersion = "ab", AdvisoryDataVersion = "c" };
        var b = Sample() with { TrustRootVersion = "a", AdvisoryDataVersion = "bc" };
        Assert.NotEqual(mac.Compute(a), mac.Compute(b));
    }
}
