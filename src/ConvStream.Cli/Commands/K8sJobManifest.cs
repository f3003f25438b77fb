using System.Text.RegularExpressions;
using k8s.Models;

namespace ConvStream.Cli.Commands;

/// <summary>What the two Jobs of <c>convstream k8s-job</c> run, and where.</summary>
internal sealed record K8sJobRequest(string Pipeline, string Input, int Segments, string Image, string VolumeClaim,
    string MountPath, string Output, string Name, int Parallelism, int BackoffLimitPerIndex);

/// <summary>
/// The segments of one file as a Kubernetes Indexed Job, built from the official client's model
/// types (so field names and nesting are the API's): pod I runs <c>convstream run PIPELINE --input
/// PATH --segment $(JOB_COMPLETION_INDEX)/N --output DIR</c> on a shared volume; a failed index is
/// retried alone (<c>backoffLimitPerIndex</c>). The join Job is created suspended, to be resumed
/// once the first one completed (Kubernetes has no dependency between Jobs); started early, the
/// join refuses and names the missing segments.
/// </summary>
internal static partial class K8sJobManifest
{
    public const string IndexVariable = "JOB_COMPLETION_INDEX";
    public const string VolumeName = "data";

    public static V1Job SegmentsJob(K8sJobRequest r) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = Metadata(r, $"{r.Name}-segments", "segments"),
        Spec = new V1JobSpec
        {
            Completions = r.Segments,
            Parallelism = r.Parallelism,
            CompletionMode = "Indexed",
            BackoffLimitPerIndex = r.BackoffLimitPerIndex,
            Template = Pod(r, "segment", ["run", r.Pipeline, "--input", r.Input, "--segment", $"$({IndexVariable})/{r.Segments}", "--output", r.Output],
                // Kubernetes sets this variable itself in Indexed Jobs; declared from the pod's
                // annotation as well so $(JOB_COMPLETION_INDEX) in args expands on every version.
                [new V1EnvVar { Name = IndexVariable, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]),
        },
    };

    public static V1Job JoinJob(K8sJobRequest r) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = Metadata(r, $"{r.Name}-join", "join"),
        Spec = new V1JobSpec
        {
            Suspend = true,
            Completions = 1,
            BackoffLimit = 2,
            Template = Pod(r, "join", ["join", r.Output], []),
        },
    };

    private static V1ObjectMeta Metadata(K8sJobRequest r, string name, string part) => new()
    {
        Name = name,
        Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "convstream", ["app.kubernetes.io/instance"] = r.Name, ["app.kubernetes.io/component"] = part },
    };

    private static V1PodTemplateSpec Pod(K8sJobRequest r, string container, List<string> args, List<V1EnvVar> env) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "convstream", ["app.kubernetes.io/instance"] = r.Name } },
        Spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            Containers = [new V1Container
            {
                Name = container,
                Image = r.Image,
                Command = ["convstream"],
                Args = args,
                Env = env.Count > 0 ? env : null,
                VolumeMounts = [new V1VolumeMount { Name = VolumeName, MountPath = r.MountPath }],
            }],
            Volumes = [new V1Volume { Name = VolumeName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = r.VolumeClaim } }],
        },
    };

    /// <summary>A Job name from a pipeline file's name: lower-case DNS label (RFC 1123), at most 50 characters so "-segments" fits in 63.</summary>
    public static string NameFrom(string pipeline)
    {
        string s = NotDns().Replace(Path.GetFileNameWithoutExtension(pipeline).ToLowerInvariant(), "-").Trim('-');
        s = "convstream-" + (s.Length == 0 ? "job" : s);
        return s.Length > 50 ? s[..50].TrimEnd('-') : s;
    }

    public static bool IsDnsLabel(string name) => name.Length is > 0 and <= 50 && DnsLabel().IsMatch(name);

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDns();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
