namespace Gatehouse.Policy.Model;

public enum SelectorOperator { In, NotIn, Exists, DoesNotExist }

/// <summary>A Kubernetes label selector (matchLabels and matchExpressions, all ANDed), with the same semantics.</summary>
public sealed record LabelSelector(
    IReadOnlyDictionary<string, string> MatchLabels,
    IReadOnlyList<LabelSelectorRequirement> MatchExpressions)
{
    /// <summary>The empty selector: it selects everything.</summary>
    public static LabelSelector Everything { get; } = new(new Dictionary<string, string>(), []);

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        return MatchExpressions.All(requirement => requirement.Matches(labels));
    }

    /// <summary>How specific the selector is (number of requirements), for ordering profiles in messages.</summary>
    public int RequirementCount => MatchLabels.Count + MatchExpressions.Count;
}

public sealed record LabelSelectorRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            SelectorOperator.In => present && Values.Contains(value!, StringComparer.Ordinal),
            // As in Kubernetes: NotIn also matches objects without the label.
            SelectorOperator.NotIn => !present || !Values.Contains(value!, StringComparer.Ordinal),
            SelectorOperator.Exists => present,
            SelectorOperator.DoesNotExist => !present,
            _ => false,
        };
    }
}
