using ConvStream.Engine.Filters.Separable;

namespace ConvStream.Engine.Tests.Filters.Separable;

/// <summary>The 1-D kernels against OpenCV's own (getGaussianKernel, getDerivKernels), stored in cases.json by the fixture script.</summary>
public sealed class SeparableKernelTests
{
    [Fact]
    public void GaussianWeightsAreOpenCvsToTheLastBit()
    {
        int checkedCount = 0;
        foreach (var k in SeparableFixtures.Root.GetProperty("gaussian_kernels").EnumerateArray())
        {
            int n = k.GetProperty("size").GetInt32();
            double sigma = k.GetProperty("sigma").GetDouble();
            var expected = k.GetProperty("weight_bits").EnumerateArray().Select(b => BitConverter.Int64BitsToDouble(b.GetInt64())).ToArray();
            var actual = GaussianKernel.Weights(n, sigma);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < n; i++)
                Assert.True(expected[i] == actual[i], $"n={n} sigma={sigma} tap {i}: {actual[i]:R}, OpenCV {expected[i]:R}");
            checkedCount++;
        }
        Assert.True(checkedCount >= 80);
    }

    [Fact]
    public void FixedPointTapsSumTo256AndFollowTheWeights()
    {
        foreach (var k in SeparableFixtures.Root.GetProperty("gaussian_kernels").EnumerateArray())
        {
            int n = k.GetProperty("size").GetInt32();
            double sigma = k.GetProperty("sigma").GetDouble();
            var taps = GaussianKernel.FixedPoint(n, sigma);
            Assert.Equal(256, taps.Sum());
            var weights = GaussianKernel.Weights(n, sigma);
            for (int i = 0; i < n; i++)
            {
                Assert.True(taps[i] >= 0, $"n={n} sigma={sigma}: negative tap");
                Assert.True(Math.Abs(taps[i] - weights[i] * 256) < 1.0 + n / 2, $"n={n} sigma={sigma} tap {i}: {taps[i]} vs {weights[i] * 256}");
            }
        }
    }

    [Fact]
    public void SobelKernelsAreOpenCvs()
    {
        foreach (var k in SeparableFixtures.Root.GetProperty("sobel_kernels").EnumerateArray())
        {
            int size = k.GetProperty("size").GetInt32(), order = k.GetProperty("order").GetInt32();
            var expected = k.GetProperty("kernel").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Assert.Equal(expected, DerivativeKernels.Sobel(order, size));
        }
    }

    [Fact]
    public void SizeFromSigmaRoundsSixSigmaPlusOneToOdd()
    {
        // OpenCV: cvRound(sigma·3·2 + 1) | 1 on 8-bit images (round half to even, then force odd).
        Assert.Equal(9, GaussianKernel.SizeFromSigma(1.2));  // 8.2 → 8 → 9
        Assert.Equal(7, GaussianKernel.SizeFromSigma(1.0));  // 7
        Assert.Equal(3, GaussianKernel.SizeFromSigma(0.25)); // 2.5 → 2 (even) → 3
        Assert.Equal(7, GaussianKernel.SizeFromSigma(0.75)); // 5.5 → 6 (half to even) → 7
    }
}
