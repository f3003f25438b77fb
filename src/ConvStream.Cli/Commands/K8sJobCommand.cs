using System.CommandLine;
using ConvStream.Cli.CommandLine;
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

    internal static Command Create()
    {
        var pipeline = CliOption.Positional("PIPELINE", "a pipeline file PIPELINE (its path inside the pods)", "the pipeline file, its path inside the pods");
        var input = CliOption.Value("--input", "PATH", "the video file, its path inside the pods", required: true);
        var segments = CliOption.Value("--segments", "N", "segments, one pod each", required: true);
        var image = CliOption.Value("--image", "IMAGE", "the container image holding convstream and ffmpeg", required: true);
        var claim = CliOption.Value("--volume-claim", "NAME", "the PersistentVolumeClaim every pod mounts (ReadWriteMany for several nodes)", "convstream-data");
        var output = CliOption.Value("--output", "DIR", "the output folder inside the pods", "/data/out");
        var mount = CliOption.Value("--mount", "PATH", "where the volume is mounted in the pods", "/data");
        var name = CliOption.Value("--name", "NAME", "Job name prefix", defaultText: "convstream-PIPELINE-NAME");
        var parallelism = CliOption.Value("--parallelism", "P", "pods at once", defaultText: "N");
        var backoff = CliOption.Value("--backoff-limit-per-index", "B", "retries of one failed index (Kubernetes 1.29+)", "2");
        var command = new VerbCommand("k8s-job", Summary,
            "usage: convstream k8s-job PIPELINE --input PATH --segments N --image IMAGE [--volume-claim NAME]" + Environment.NewLine +
            "                          [--output DIR] [--mount PATH] [--name NAME] [--parallelism P] [--backoff-limit-per-index B]")
        {
            Notes = "Prints two Jobs (YAML, for kubectl apply -f -): NAME-segments, an Indexed Job of N completions whose pod I runs\n" +
                    "'convstream run PIPELINE --input PATH --segment I/N --output DIR', and NAME-join, created suspended, which runs\n" +
                    "'convstream join DIR'. Resume it when the segments are done:\n" +
                    "  kubectl wait --for=condition=complete job/NAME-segments --timeout=24h && kubectl patch job NAME-join -p '{\"spec\":{\"suspend\":false}}'\n" +
                    "PIPELINE, PATH and DIR are paths inside the pods (the volume is mounted at --mount).",
            Examples = ["convstream k8s-job /data/demo.json --input /data/clip.mp4 --segments 8 --image registry.example/convstream:1 | kubectl apply -f -"],
        };
        command.Arguments.Add(pipeline);
        foreach (var option in new Option[] { input, segments, image, claim, output, mount, name, parallelism, backoff }) command.Options.Add(option);
        command.SetAction(r =>
        {
            string pipelinePath = r.GetValue(pipeline)!;
            int count = SegmentRun.ParseCount("--segments", r.GetValue(segments)!);
            return Execute(pipelinePath, r.GetValue(input)!, count, r.GetValue(image)!, r.GetValue(claim)!, r.GetValue(mount)!, r.GetValue(output)!,
                r.GetValue(name) ?? K8sJobManifest.NameFrom(pipelinePath),
                r.GetValue(parallelism) is string p ? SegmentRun.ParseCount("--parallelism", p) : count, r.GetValue(backoff)!);
        });
        return command;
    }

    private static int Execute(string pipeline, string input, int segments, string image, string claim, string mount, string output,
        string name, int parallelism, string backoffText)
    {
        if (!(int.TryParse(backoffText, NumberStyles.None, CultureInfo.InvariantCulture, out int backoff) && backoff >= 0))
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
