using System.Diagnostics;

namespace Gatehouse.Oci;

/// <summary>Spans for registry and layout operations, so image reads show up in the push-to-decision trace.</summary>
public static class OciTelemetry
{
    public const string ActivitySourceName = "Gatehouse.Oci";

    public const string LocationTag = "oci.location";
    public const string RepositoryTag = "oci.repository";
    public const string ReferenceTag = "oci.reference";
    public const string DigestTag = "oci.digest";

    public static readonly ActivitySource Source = new(ActivitySourceName);

    internal static Activity? Start(string operation, IImageStore store, string repository, string? reference = null)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(LocationTag, store.Location);
            activity.SetTag(RepositoryTag, repository);
            if (reference is not null)
            {
                activity.SetTag(ReferenceTag, reference);
            }
        }

        return activity;
    }

    internal static void RecordError(this Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }
}
