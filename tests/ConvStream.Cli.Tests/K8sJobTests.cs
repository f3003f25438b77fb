using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream k8s-job</c>: the YAML parses back through the Kubernetes client into an Indexed
/// Job and a suspended join Job with the asked-for fields; then the cluster is simulated: each
/// index's container command runs here with JOB_COMPLETION_INDEX set and $(VAR) expanded as the
/// kubelet does, on one shared folder, one index "failing" (not run) until retried, then the join
/// Job's command; the result equals a single run. No cluster is involved.
/// </summary>
public class K8sJobTests
{
    private static (string Yaml, TempFolder Work, string Clip, string Pipeline) Make(int segments)
    {
        var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        string pipeline = SegmentMedia.MakePipeline(work, clip);
        var r = ConvstreamProcess.Run(work.Path, "k8s-job", pipeline, "--input", clip, "--segments", segments.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--image", "registry.example/convstream:test", "--volume-claim", "media", "--mount", work.Path, "--output", work.File("shared"));
        Assert.True(r.ExitCode == 0, r.ToString());
        return (r.Stdout, work, clip, pipeline);
    }

    [Fact]
    public void Yaml_round_trips_through_the_client_as_an_indexed_job_and_a_suspended_join_job()
    {
        var (yaml, work, _, pipeline) = Make(4);
        using var _w = work;
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        Assert.Equal(2, objects.Count);
        var segments = Assert.IsType<V1Job>(objects[0]);
        var join = Assert.IsType<V1Job>(objects[1]);
        Assert.Equal("convstream-p-segments", segments.Metadata.Name);
        Assert.Equal(4, segments.Spec.Completions);
        Assert.Equal(4, segments.Spec.Parallelism);
        Assert.Equal("Indexed", segments.Spec.CompletionMode);
        Assert.Equal(2, segments.Spec.BackoffLimitPerIndex);
        var pod = segments.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        var c = Assert.Single(pod.Containers);
        Assert.Equal("registry.example/convstream:test", c.Image);
        Assert.Equal(["convstream"], c.Command);
        Assert.Equal(["run", pipeline, "--input", work.File("clip.mp4"), "--segment", "$(JOB_COMPLETION_INDEX)/4", "--output", work.File("shared")], c.Args);
        Assert.Equal(work.Path, Assert.Single(c.VolumeMounts).MountPath);
        Assert.Equal("media", Assert.Single(pod.Volumes).PersistentVolumeClaim.ClaimName);
        Assert.True(join.Spec.Suspend);
        Assert.Equal(["join", work.File("shared")], Assert.Single(join.Spec.Template.Spec.Containers).Args);
        // Serialising what was read gives the same documents back.
        Assert.Equal(KubernetesYaml.Serialize(segments).Trim(), yaml.Split("---")[0].Split('\n').Where(l => !l.StartsWith('#')).Aggregate("", (a, l) => a + l + "\n").Trim());
    }

    [Fact]
    public void Indexed_job_commands_run_locally_then_the_join_equal_a_single_run()
    {
        var (yaml, work, _, pipeline) = Make(4);
        using var _w = work;
        var jobs = KubernetesYaml.LoadAllFromString(yaml).Cast<V1Job>().ToList();
        var segment = jobs[0].Spec.Template.Spec.Containers[0];
        var joinCommand = jobs[1].Spec.Template.Spec.Containers[0].Args.ToArray();

        CommandResult Pod(int index)
        {
            // The kubelet's expansion: $(NAME) of a variable the container defines; JOB_COMPLETION_INDEX is the pod's index.
            var env = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            Assert.Contains(segment.Env, e => e.Name == "JOB_COMPLETION_INDEX");
            var args = segment.Args.Select(a => Regex.Replace(a, @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", m => env.TryGetValue(m.Groups[1].Value, out var v) ? v! : m.Value)).ToArray();
            return ConvstreamProcess.Run(work.Path, env, args);
        }

        foreach (int i in new[] { 3, 0, 1 })
        {
            var r = Pod(i);
            Assert.True(r.ExitCode == 0, $"index {i}: {r}");
        }
        // Index 2 has not succeeded yet: the join refuses and names it.
        var early = ConvstreamProcess.Run(work.Path, joinCommand);
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("segment(s) 2 (absent) of 4 missing", early.Stderr);
        Assert.False(File.Exists(work.File("shared/blur.mkv")));
        // Kubernetes retries the failed index alone; then the join Job runs.
        Assert.True(Pod(2).ExitCode == 0);
        var joined = ConvstreamProcess.Run(work.Path, joinCommand);
        Assert.True(joined.ExitCode == 0, joined.ToString());

        var single = ConvstreamProcess.Run(work.Path, "run", pipeline, "--output", "single");
        Assert.True(single.ExitCode == 0, single.ToString());
        var expected = SegmentMedia.VideoFrames(work.File("single/blur.mkv"));
        Assert.Equal(SegmentMedia.Frames, expected.Length);
        Assert.Equal(expected, SegmentMedia.VideoFrames(work.File("shared/blur.mkv")));
        Assert.Contains(PipelineMedia.Streams(work.File("shared/blur.mkv")), s => s.Type == "audio");
        Assert.Equal(SegmentMedia.Images(work.File("single/edges")).OrderBy(p => p.Key), SegmentMedia.Images(work.File("shared/edges")).OrderBy(p => p.Key));
    }
}
