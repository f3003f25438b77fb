namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// A dedicated thread for one node of the pipeline (the source, a stage or an output), running
/// its async loop: every await in the loop resumes on this same thread, posted through this
/// synchronization context. Why not the thread pool: a stage computes for milliseconds at a time,
/// which starves the pool into injecting threads, and thread-local scratch (the engine keeps
/// per-thread row buffers) would follow the frames from thread to thread, cold each time. One
/// long-running thread per node keeps caches and scratch warm and latency even.
/// </summary>
internal sealed class NodeThread : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();
    private bool _finished;

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_work)
        {
            _work.Enqueue((d, state));
            Monitor.Pulse(_work);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("a pipeline node thread only accepts posted work");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Starts <paramref name="loop"/> on a new thread named <paramref name="name"/>; the task completes as the loop does.</summary>
    public static Task Run(string name, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new NodeThread();
            SetSynchronizationContext(context);
            Task task;
            try { task = loop(); }
            catch (Exception e) { done.SetException(e); return; }
            task.ContinueWith(static (_, s) => ((NodeThread)s!).Finish(), context, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.Pump();
            if (task.IsFaulted) done.SetException(task.Exception!.InnerExceptions);
            else if (task.IsCanceled) done.SetCanceled();
            else done.SetResult();
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private void Pump()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) item;
            lock (_work)
            {
                while (_work.Count == 0 && !_finished) Monitor.Wait(_work);
                if (_work.Count == 0) return;
                item = _work.Dequeue();
            }
            item.Callback(item.State);
        }
    }

    private void Finish()
    {
        lock (_work)
        {
            _finished = true;
            Monitor.Pulse(_work);
        }
    }
}
