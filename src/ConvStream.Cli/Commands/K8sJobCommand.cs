using System.Globalization;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream k8s-job PIPELINE --input PATH --segments N --image IMAGE</c>: prints the YAML of
/// the Indexed Job that runs the N segments as pods and of the (suspended) join Job, for
/// <c>kubectl apply -f -</c>. Paths are the pods' paths on the shared volume; nothing is checked
/// on this machine's file system.
/// </summary>
public static class K8sJobCommand
{
    public const string Summary = "print a Kubernetes Indexed Job (segments as pods) and its join Job as YAML";

    public static string Help => string.Join(Environment.NewLine,
        "usage: convstream k8s-job PIPELINE --input PATH --segments N --image IMAGE [--volume-claim NAME]",
        "                          [--output DIR] [--mount PATH] [--name NAME] [--parallelism P] [--backoff-limit-per-index B]",
        "",
        "Prints two Jobs (YAML, for kubectl apply -f -): NAME-segments, an Indexed Job of N completions whose pod I",
        "runs 'convstream run PIPELINE --input PATH --segment I/N --output DIR', and NAME-join, created suspended,",
        "which runs 'convstream join DIR'. Resume it when the segments are done:",
        "  kubectl wait --for=condition=complete job/NAME-segments --timeout=24h && kubectl patch job NAME-join -p '{\"spec\":{\"suspend\":false}}'",
        "PIPELINE, PATH and DIR are paths inside the pods (the volume is mounted at --mount, default /data).",
        "  --volume-claim  the PersistentVolumeClaim every pod mounts (default convstream-data; ReadWriteMany for several nodes).",
        "  --output        default /data/out.   --name  Job name prefix (default convstream-PIPELINE-NAME).",
        "  --parallelism   pods at once (default N).   --backoff-limit-per-index  retries of one failed index (default 2; Kubernetes 1.29+).");

    public static int Run(string[] args)
    {
        var a = new ArgReader(args, "k8s-job");
        if (a.HelpRequested) { Console.Out.WriteLine(Help); return 0; }
        string pipeline = a.Positional("a pipeline file PIPELINE (its path inside the pods)");
        string input = a.Required("--input");
        int segments = SegmentRun.ParseCount("--segments", a.Required("--segments"));
        string image = a.Required("--image");
        string claim = a.Optional("--volume-claim") ?? "convstream-data";
        string mount = a.Optional("--mount") ?? "/data";
        string output = a.Optional("--output") ?? "/data/out";
        string name = a.Optional("--name") ?? K8sJobManifest.NameFrom(pipeline);
        int parallelism = a.Optional("--parallelism") is string p ? SegmentRun.ParseCount("--parallelism", p) : segments;
        string? backoffText = a.Optional("--backoff-limit-per-index");
        a.EnsureAllUsed();
        int backoff = 2;
        if (backoffText is not null && !(int.TryParse(backoffText, NumberStyles.None, CultureInfo.InvariantCulture, out backoff) && backoff >= 0))
            throw new UsageException($"option --backoff-limit-per-index '{backoffText}' must be a whole number >= 0");
        if (!K8sJobManifest.IsDnsLabel(name))
            throw new UsageException($"option --name '{name}' must be a lower-case DNS label (a-z, 0-9, '-'; at most 50 characters)");
        if (!mount.StartsWith('/')) throw new UsageException($"option --mount '{mount}' must be an absolute path inside the pods");

        var request = new K8sJobRequest(pipeline, input, segments, image, claim, mount, output, name, Math.Min(parallelism, segments), backoff);
        Console.Out.Write(Yaml(request));
        return 0;
    }

    internal static string Yaml(K8sJobRequest r) => string.Join(Environment.NewLine,
        $"# convstream k8s-job: {r.Segments} segments of {r.Input} through {r.Pipeline}, then the join.",
        $"# kubectl apply -f THIS; kubectl wait --for=condition=complete job/{r.Name}-segments --timeout=24h",
        $"# kubectl patch job {r.Name}-join -p '{{\"spec\":{{\"suspend\":false}}}}'",
        k8s.KubernetesYaml.Serialize(K8sJobManifest.SegmentsJob(r)).TrimEnd(),
        "---",
        k8s.KubernetesYaml.Serialize(K8sJobManifest.JoinJob(r)).TrimEnd(),
        "");
}
