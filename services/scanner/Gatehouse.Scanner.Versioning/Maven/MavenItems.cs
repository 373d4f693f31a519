namespace Gatehouse.Scanner.Versioning;

// The item tree of Maven's ComparableVersion (maven-artifact, Maven 4 "compat"), ported
// comparison for comparison. Kind values are Maven's type constants.
internal enum MavenItemKind
{
    BigInteger = 0,
    String = 1,
    List = 2,
    Int = 3,
    Long = 4,
    Combination = 5,
}

internal abstract class MavenItem
{
    public abstract MavenItemKind Kind { get; }

    public abstract bool IsNull { get; }

    // other == null means "compared with nothing", as in Maven (1.0 == 1, 1-rc < 1).
    public abstract int CompareTo(MavenItem? other);
}

// IntItem, LongItem and BigIntegerItem: the kind is decided by digit count, and numbers of
// different kinds never compare by value (an int item is always less than a long item).
internal sealed class MavenNumberItem : MavenItem
{
    public static readonly MavenNumberItem Zero = new(MavenItemKind.Int, "0");

    public MavenNumberItem(MavenItemKind kind, string digits)
    {
        Kind = kind;
        Digits = digits;
    }

    public override MavenItemKind Kind { get; }

    // ASCII decimal text without leading zeros.
    public string Digits { get; }

    public override bool IsNull => Digits == "0";

    public override int CompareTo(MavenItem? other)
    {
        if (other is null)
        {
            return IsNull ? 0 : 1;
        }

        if (other is MavenNumberItem number)
        {
            return Kind == number.Kind ? VersionText.CompareDigits(Digits, number.Digits) : Rank(Kind).CompareTo(Rank(number.Kind));
        }

        // Numbers are newer than qualifiers, combinations and sub-lists: 1.1 > 1-sp, 1.1 > 1-1.
        return 1;
    }

    private static int Rank(MavenItemKind kind) => kind switch
    {
        MavenItemKind.Int => 0,
        MavenItemKind.Long => 1,
        _ => 2,
    };
}

internal sealed class MavenStringItem : MavenItem
{
    // Known qualifiers in order; "" is the release position. Unknown qualifiers sort after all of
    // them, among themselves ordinally.
    private static readonly string[] Qualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    private const int ReleaseRank = 5;
    private const int UnknownRank = 7;

    public MavenStringItem(string value, bool followedByDigit)
    {
        if (followedByDigit && value.Length == 1)
        {
            // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
            value = value[0] switch
            {
                'a' => "alpha",
                'b' => "beta",
                'm' => "milestone",
                _ => value,
            };
        }

        Value = value == "cr" ? "rc" : value;
        Rank = Value is "ga" or "final" or "release" ? ReleaseRank : Array.IndexOf(Qualifiers, Value) is int i and >= 0 ? i : UnknownRank;
    }

    public override MavenItemKind Kind => MavenItemKind.String;

    public string Value { get; }

    public override bool IsNull => Value.Length == 0;

    private int Rank { get; }

    public override int CompareTo(MavenItem? other)
    {
        switch (other)
        {
            case null:
                // 1-rc < 1, 1-sp > 1
                return Rank.CompareTo(ReleaseRank);
            case MavenNumberItem:
                return -1;
            case MavenStringItem text:
                return CompareQualifiers(text);
            case MavenCombinationItem combination:
                int result = CompareTo(combination.StringPart);
                if (result != 0)
                {
                    return result;
                }

                return CompareTo(null) == 0 ? -combination.DigitPart.CompareTo(null) : -1;
            default:
                return -other.CompareTo(this);
        }
    }

    private int CompareQualifiers(MavenStringItem other)
    {
        int result = Rank.CompareTo(other.Rank);
        return result != 0 || Rank != UnknownRank ? result : VersionText.Ordinal(Value, other.Value);
    }
}

// A qualifier directly followed by a number, e.g. "alpha2" or "sp-1" (MNG-7714).
internal sealed class MavenCombinationItem : MavenItem
{
    public MavenCombinationItem(MavenStringItem stringPart, MavenItem digitPart)
    {
        StringPart = stringPart;
        DigitPart = digitPart;
    }

    public override MavenItemKind Kind => MavenItemKind.Combination;

    public MavenStringItem StringPart { get; }

    public MavenItem DigitPart { get; }

    public override bool IsNull => false;

    public override int CompareTo(MavenItem? other)
    {
        int result;
        switch (other)
        {
            case null:
                // 1-rc1 < 1; a release qualifier leaves the number to decide: 1-ga1 > 1.
                result = StringPart.CompareTo(null);
                return result == 0 ? DigitPart.CompareTo(null) : result;
            case MavenNumberItem:
                return -1;
            case MavenStringItem:
                result = StringPart.CompareTo(other);
                if (result != 0)
                {
                    return result;
                }

                // X1 > X
                return StringPart.CompareTo(null) == 0 ? DigitPart.CompareTo(null) : 1;
            case MavenListItem:
                return -other.CompareTo(this);
            case MavenCombinationItem combination:
                result = StringPart.CompareTo(combination.StringPart);
                return result == 0 ? DigitPart.CompareTo(combination.DigitPart) : result;
            default:
                return 0;
        }
    }
}

internal sealed class MavenListItem : MavenItem
{
    public List<MavenItem> Items { get; } = [];

    public override MavenItemKind Kind => MavenItemKind.List;

    public override bool IsNull => Items.Count == 0;

    // Drops null items that carry no meaning (trailing zeros, zeros before a qualifier).
    public void Normalize()
    {
        for (int i = Items.Count - 1; i >= 0; i--)
        {
            if (!Items[i].IsNull)
            {
                continue;
            }

            if (i == Items.Count - 1 || Items[i + 1].Kind == MavenItemKind.String)
            {
                Items.RemoveAt(i);
            }
            else if (Items[i + 1] is MavenListItem next && next.Items[0].Kind is MavenItemKind.Combination or MavenItemKind.String)
            {
                Items.RemoveAt(i);
            }
        }

        // Removing a zero prefix must not leave an extra qualifier nesting level.
        if (Items.Count == 1 && Items[0] is MavenListItem only)
        {
            Items.Clear();
            Items.AddRange(only.Items);
        }
    }

    public override int CompareTo(MavenItem? other)
    {
        switch (other)
        {
            case null:
                // MNG-6964: every item counts, not just the first.
                foreach (MavenItem item in Items)
                {
                    int r = item.CompareTo(null);
                    if (r != 0)
                    {
                        return r;
                    }
                }

                return 0;
            case MavenNumberItem:
                return -1; // 1-1 < 1.0.x
            case MavenStringItem or MavenCombinationItem:
                int result = Items.Count == 0 ? -other.CompareTo(null) : Items[0].CompareTo(other);
                for (int i = 1; result == 0 && i < Items.Count; i++)
                {
                    result = Items[i].CompareTo(null);
                }

                return result;
            case MavenListItem list:
                for (int i = 0; i < Items.Count || i < list.Items.Count; i++)
                {
                    MavenItem? left = i < Items.Count ? Items[i] : null;
                    MavenItem? right = i < list.Items.Count ? list.Items[i] : null;
                    int r = left is null ? (right is null ? 0 : -right.CompareTo(null)) : left.CompareTo(right);
                    if (r != 0)
                    {
                        return r;
                    }
                }

                return 0;
            default:
                return 0;
        }
    }
}
