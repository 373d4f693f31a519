using Gatehouse.Policy.Model;

namespace Gatehouse.Admission.Profiles;

/// <summary>
/// Namespace → the profiles that govern it, answered from a snapshot rebuilt off the hot path whenever namespace
/// labels or policies change. Every profile returned applies: an image is admitted only if all of them admit it.
/// </summary>
public interface IAdmissionProfiles
{
    /// <summary>Empty when no profile governs the namespace (its requests are admitted untouched).</summary>
    IReadOnlyList<AdmissionProfile> ForNamespace(string namespaceName);
}

/// <summary>The ImagePolicy set in force, and a signal when it changes.</summary>
public interface IPolicySetSource
{
    PolicySet Current { get; }

    event Action? Changed;
}
