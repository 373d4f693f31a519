namespace Gatehouse.Contracts.Messages;

/// <summary>One container of an admitted workload whose image admission resolved to a digest.</summary>
/// <param name="Name">The container's name (empty when the object did not name it).</param>
/// <param name="Image">The image as written in the object.</param>
/// <param name="Digest">The digest admission decided on (pinned in the reference, or resolved through the tag map).</param>
public sealed record AdmittedContainer(string Name, string Image, string Digest);
