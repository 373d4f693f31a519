using System.Text.Json.Nodes;

namespace Gatehouse.Policy.Model;

/// <summary>
/// Loads ImagePolicy resources from YAML or JSON text, files and folders: multi-document streams and
/// <c>kind: List</c> (what <c>kubectl get -o yaml</c> prints) both work. Every problem is collected.
/// </summary>
public static class ImagePolicyLoader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Largest policy file read; policies are small, and this bounds a mistaken path.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    public static PolicyLoadResult LoadText(string text, string source, PolicyLoadOptions options)
    {
        var policies = new List<ImagePolicy>();
        var issues = new List<PolicyIssue>();
        AddText(text, source, options, policies, issues);
        CheckUniqueProfiles(policies, issues);
        return new PolicyLoadResult(policies, issues);
    }

    /// <summary>Files, and folders (their *.yaml, *.yml and *.json, not recursive), in ordinal order.</summary>
    public static PolicyLoadResult LoadPaths(IEnumerable<string> paths, PolicyLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var policies = new List<ImagePolicy>();
        var issues = new List<PolicyIssue>();
        foreach (var file in ExpandPaths(paths, issues))
        {
            try
            {
                var info = new FileInfo(file);
                if (info.Length > MaxFileBytes)
                {
                    issues.Add(new PolicyIssue(file, null, "", $"file is larger than {MaxFileBytes / 1024 / 1024} MiB"));
                    continue;
                }
                var (policiesBefore, issuesBefore) = (policies.Count, issues.Count);
                AddText(File.ReadAllText(file), file, options, policies, issues);
                // A file caught mid-write (truncated, not yet filled) reads as empty; loading it would silently drop its
                // profiles. Removing a profile takes deleting its file, so an empty file is refused.
                if (policies.Count == policiesBefore && issues.Count == issuesBefore)
                    issues.Add(new PolicyIssue(file, null, "", "holds no ImagePolicy (delete the file to remove its profiles)"));
            }
            catch (IOException ex)
            {
                issues.Add(new PolicyIssue(file, null, "", $"cannot be read: {ex.Message}"));
            }
            catch (UnauthorizedAccessException ex)
            {
                issues.Add(new PolicyIssue(file, null, "", $"cannot be read: {ex.Message}"));
            }
        }
        CheckUniqueProfiles(policies, issues);
        return new PolicyLoadResult(policies, issues);
    }

    /// <summary>The files <see cref="LoadPaths"/> reads, for watching; missing paths are reported.</summary>
    public static IReadOnlyList<string> ExpandPaths(IEnumerable<string> paths, List<PolicyIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(issues);
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path)) files.Add(path);
            else issues.Add(new PolicyIssue(path, null, "", "no such file or folder"));
        }
        return files;
    }

    /// <summary>One object as the Kubernetes API returns it (already JSON).</summary>
    public static PolicyLoadResult LoadObject(JsonObject resource, string source, PolicyLoadOptions options)
    {
        var issues = new List<PolicyIssue>();
        var document = new SourceDocument(source, resource, new Dictionary<JsonNode, int>(ReferenceEqualityComparer.Instance));
        var policy = ImagePolicyReader.Read(document, resource, options, issues);
        return new PolicyLoadResult(policy is null ? [] : [policy], issues);
    }

    private static void AddText(string text, string source, PolicyLoadOptions options, List<ImagePolicy> policies, List<PolicyIssue> issues)
    {
        var first = issues.Count;
        AddDocuments(text, source, options, policies, issues);
        // Fields are checked in rule order; authors read top to bottom.
        var sorted = issues.Skip(first).OrderBy(i => i.Line ?? 0).ToList();
        issues.RemoveRange(first, sorted.Count);
        issues.AddRange(sorted);
    }

    private static void AddDocuments(string text, string source, PolicyLoadOptions options, List<ImagePolicy> policies, List<PolicyIssue> issues)
    {
        IReadOnlyList<SourceDocument> documents;
        try
        {
            documents = YamlJson.Parse(text, source);
        }
        catch (PolicyValidationException ex)
        {
            issues.AddRange(ex.Issues);
            return;
        }
        foreach (var document in documents)
        {
            switch (document.Root)
            {
                case null:
                    continue;
                case JsonObject list when list["kind"]?.ToString() is "List" or "ImagePolicyList":
                    var items = list["items"] as JsonArray;
                    if (items is null) issues.Add(new PolicyIssue(source, document.LineOf(list), "items", "a List needs an items list"));
                    foreach (var item in items ?? [])
                    {
                        if (item is JsonObject obj && ImagePolicyReader.Read(document, obj, options, issues) is { } listed) policies.Add(listed);
                        else if (item is not JsonObject) issues.Add(new PolicyIssue(source, document.LineOf(item), "items", "every item must be an ImagePolicy mapping"));
                    }
                    break;
                case JsonObject obj:
                    if (ImagePolicyReader.Read(document, obj, options, issues) is { } policy) policies.Add(policy);
                    break;
                default:
                    issues.Add(new PolicyIssue(source, document.LineOf(document.Root), "", "a document must be an ImagePolicy mapping"));
                    break;
            }
        }
    }

    private static void CheckUniqueProfiles(List<ImagePolicy> policies, List<PolicyIssue> issues)
    {
        foreach (var group in policies.GroupBy(p => p.Profile, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            issues.Add(new PolicyIssue(string.Join(", ", group.Select(p => p.Metadata.Name)), null, "spec.profile",
                $"profile '{group.Key}' is defined by more than one policy ({string.Join(", ", group.Select(p => p.Metadata.Name))}); each profile has one policy"));
        }
        foreach (var group in policies.GroupBy(p => p.Metadata.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            issues.Add(new PolicyIssue(group.Key, null, "metadata.name", $"the name '{group.Key}' is used by more than one policy"));
    }
}
