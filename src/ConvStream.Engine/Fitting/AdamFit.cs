using ConvStream.Engine.Ops;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// Fits the kernel by gradient descent: each step runs the engine's own <see cref="Conv2d"/>
/// forward over every pair, forms the loss gradient with respect to the output
/// (<c>∂L/∂y = 2·W·(y − b) / N</c>) and takes the weight and bias gradients from
/// <see cref="Conv2dBackward"/>, the same backward pass <c>convstream op conv2d-backward</c> runs:
/// there is no second gradient implementation here. The loss is the one
/// <see cref="LeastSquares"/> minimises exactly, so on a well-posed problem both agree.
/// <para>
/// A per-channel kernel runs the channels as a batch of one-channel images, (C, 1, H, W) with
/// weight (1, 1, KH, KW); a full kernel runs (1, Cin, H, W) with weight (Cout, Cin, KH, KW). The
/// padding is the model's (the anchor's) and the border its border mode, so the forward is exactly
/// the <c>conv</c> stage's sum.
/// </para>
/// </summary>
public static class AdamFit
{
    /// <param name="progress">Told after each step (step, steps, loss before the step).</param>
    public static FittedKernel Fit(FitDesign design, AdamOptions options, double l2, FitCondition? condition,
                                   IFitProgress? progress = null, CancellationToken cancel = default,
                                   ExecutionSettings? settings = null)
    {
        if (options.Steps < 1) throw new ConvStreamException($"Adam needs at least 1 step, got {options.Steps}");
        if (!(options.LearningRate > 0) || !double.IsFinite(options.LearningRate))
            throw new ConvStreamException($"Adam's learning rate must be a positive number, got {options.LearningRate}");
        var model = design.Model;
        int inputs = design.Inputs, outs = design.Outputs, kh = model.KH, kw = model.KW;
        int taps = inputs * kh * kw, nw = outs * taps;
        bool perChannel = model.Channels == FitChannels.PerChannel;

        // Unit range: Adam's steps are in weight units whatever the data's scale, and a bias of
        // 128 grey levels becomes 0.5 rather than thousands of steps away.
        double scale = 0;
        foreach (var p in design.Pairs) foreach (float v in p.Input) scale = Math.Max(scale, Math.Abs(v));
        if (scale == 0) scale = 1;
        float inv = (float)(1 / scale);

        // With a bias, descend on centred inputs: y = w ⋆ x + b = w ⋆ (x − μ) + b′ with
        // b′ = b + Σ_ci μ_ci·Σ w_ci a free parameter of its own. Uncentred, the mean dominates every
        // patch, all taps and the bias point the same way and descent crawls; centred, the problem
        // is as well conditioned as the image's texture. (Not with zeros outside, where x − μ would
        // not be 0; and without a bias there is no b′ to absorb the mean.)
        int tensorChannels = perChannel ? 1 : inputs;
        var mean = new double[tensorChannels];
        if (model.Bias && model.Border != Geometry.BorderMode.Zeros)
        {
            long n = 0;
            foreach (var p in design.Pairs)
            {
                int plane = p.Plane;
                for (int c = 0; c < p.InputChannels; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < plane; k++) sum += p.Input[c * plane + k];
                    mean[perChannel ? 0 : c] += sum * inv;
                }
                n += perChannel ? (long)plane * p.InputChannels : plane;
            }
            for (int c = 0; c < tensorChannels; c++) mean[c] /= n;
        }

        var conv = new Conv2dOptions { Padding = model.Padding, Border = model.Border };
        var batches = new List<(Tensor X, float[] T, float[]? Wt, Tensor Y)>();
        double count = NormalEquations.CountOf(design) * outs;
        if (!(count > 0)) throw new ConvStreamException("the fit has no samples that count (every target sample is clipped at 0 or 255)");
        for (int i = 0; i < design.Pairs.Count; i++)
        {
            var p = design.Pairs[i];
            var x = new float[p.Input.Length];
            int plane = p.Plane;
            for (int k = 0; k < x.Length; k++) x[k] = (float)(p.Input[k] * inv - mean[perChannel ? 0 : k / plane]);
            var t = Array.ConvertAll(p.Target, v => v * inv);
            var shape = perChannel ? new[] { p.InputChannels, 1, p.Height, p.Width } : new[] { 1, p.InputChannels, p.Height, p.Width };
            var yShape = perChannel ? new[] { p.OutputChannels, 1, p.Height, p.Width } : new[] { 1, p.OutputChannels, p.Height, p.Width };
            batches.Add((new Tensor(x, shape), t, design.TargetWeights(i), Tensor.Zeros(yShape)));
        }

        int np = nw + (model.Bias ? outs : 0);
        var theta = new double[np];                 // the weights' DCT coefficients (KernelBasis), then the (scaled) biases
        var basis = new KernelBasis(inputs, kh, kw);
        var pixel = new double[nw];                 // theta's weights in the pixel basis
        var pixelGrad = new double[nw];
        var m1 = new double[np];
        var m2 = new double[np];
        var grad = new double[np];
        var curve = new List<double>(options.Steps);
        var weight = Tensor.Zeros(outs, inputs, kh, kw);
        Tensor? bias = model.Bias ? Tensor.Zeros(outs) : null;   // b′ while descending
        double penalty = l2 / (outs * scale * scale);  // λ/O in the scaled units (the loss is divided by scale²)

        double Evaluate(bool withGradient)
        {
            basis.Synthesize(theta.AsSpan(0, nw), pixel);
            for (int i = 0; i < nw; i++) weight.Data[i] = (float)pixel[i];
            if (bias is not null) for (int o = 0; o < outs; o++) bias.Data[o] = (float)theta[nw + o];
            Array.Clear(grad);
            Array.Clear(pixelGrad);
            double sse = 0;
            foreach (var (x, t, wt, y) in batches)
            {
                Conv2d.Forward(x, weight, bias, conv, y, settings);
                var g = y.Data;                        // becomes ∂L/∂y in place
                for (int k = 0; k < t.Length; k++)
                {
                    double r = g[k] - t[k];
                    if (wt is not null) r *= wt[k];
                    sse += r * r;
                    g[k] = (float)(2 * r / count);
                }
                if (!withGradient) continue;
                var gradients = Conv2dBackward.Backward(x, weight, bias, y, conv, settings);
                for (int i = 0; i < nw; i++) pixelGrad[i] += gradients.GradWeight.Data[i];
                if (bias is not null) for (int o = 0; o < outs; o++) grad[nw + o] += gradients.GradBias.Data[o];
            }
            basis.Analyse(pixelGrad, grad.AsSpan(0, nw));
            double reg = 0;                            // ‖w‖² = ‖u‖²: the basis is orthonormal
            for (int i = 0; i < nw; i++) { reg += theta[i] * theta[i]; grad[i] += 2 * penalty * theta[i]; }
            return (sse / count + penalty * reg) * scale * scale;   // in the data's own units
        }

        for (int step = 1; step <= options.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            double loss = Evaluate(withGradient: true);
            if (!double.IsFinite(loss))
                throw new ConvStreamException($"Adam diverged at step {step} (loss {loss}); lower --lr (now {options.LearningRate})");
            curve.Add(loss);
            double lr = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - 1) / options.Steps));
            double c1 = 1 - Math.Pow(options.Beta1, step), c2 = 1 - Math.Pow(options.Beta2, step);
            for (int i = 0; i < np; i++)
            {
                m1[i] = options.Beta1 * m1[i] + (1 - options.Beta1) * grad[i];
                m2[i] = options.Beta2 * m2[i] + (1 - options.Beta2) * grad[i] * grad[i];
                theta[i] -= lr * (m1[i] / c1) / (Math.Sqrt(m2[i] / c2) + options.Epsilon);
            }
            progress?.Step(step, options.Steps, loss);
        }
        double final = Evaluate(withGradient: false);

        var weights = new double[nw];
        basis.Synthesize(theta.AsSpan(0, nw), weights);
        var biases = new double[outs];
        if (model.Bias)
            for (int o = 0; o < outs; o++)
            {
                double b = theta[nw + o];          // b′ → b: take the centring back out
                for (int ci = 0; ci < inputs; ci++)
                    for (int tap = 0; tap < kh * kw; tap++) b -= mean[perChannel ? 0 : ci] * weights[(o * inputs + ci) * kh * kw + tap];
                biases[o] = b * scale;
            }
        return new FittedKernel(model, inputs, outs, weights, biases, FitMethod.Adam, condition, curve, final);
    }
}
