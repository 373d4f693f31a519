using System.Security.Cryptography;
using Gatehouse.Sigstore.Rekor;

namespace Gatehouse.Sigstore.Tests;

/// <summary>RFC 6962 proofs against a five-leaf tree built by hand.</summary>
public sealed class MerkleInclusionProofTests
{
    private static readonly byte[][] Leaves = [.. Enumerable.Range(0, 5).Select(i => MerkleInclusionProof.LeafHash([(byte)i]))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ProofForEveryLeafLeadsToTheRoot(int index)
    {
        var proof = Proof(index, 0, Leaves.Length);

        Assert.True(MerkleInclusionProof.Verify(index, Leaves.Length, Leaves[index], proof, Root(0, Leaves.Length)));
    }

    [Fact]
    public void ProofForAnotherIndexOrTamperedHashFails()
    {
        var proof = Proof(2, 0, Leaves.Length);
        var root = Root(0, Leaves.Length);

        Assert.False(MerkleInclusionProof.Verify(3, Leaves.Length, Leaves[2], proof, root));
        Assert.False(MerkleInclusionProof.Verify(2, Leaves.Length, Leaves[3], proof, root));
        proof[0] = (byte[])proof[0].Clone();
        proof[0][0] ^= 1;
        Assert.False(MerkleInclusionProof.Verify(2, Leaves.Length, Leaves[2], proof, root));
        Assert.False(MerkleInclusionProof.Verify(5, Leaves.Length, Leaves[2], proof, root));
    }

    // Reference construction straight from RFC 6962 section 2.1 (largest power of two smaller than n).
    private static byte[] Root(int start, int count)
    {
        if (count == 1)
        {
            return Leaves[start];
        }

        var split = Split(count);
        return Node(Root(start, split), Root(start + split, count - split));
    }

    private static List<byte[]> Proof(int index, int start, int count)
    {
        if (count == 1)
        {
            return [];
        }

        var split = Split(count);
        if (index < split)
        {
            var left = Proof(index, start, split);
            left.Add(Root(start + split, count - split));
            return left;
        }

        var right = Proof(index - split, start + split, count - split);
        right.Add(Root(start, split));
        return right;
    }

    private static int Split(int count)
    {
        var split = 1;
        while (split * 2 < count)
        {
            split *= 2;
        }

        return split;
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);
}
