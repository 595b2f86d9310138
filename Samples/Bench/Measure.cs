using System.Diagnostics;

namespace FieldForge.Bench;

/// <summary>Wall-clock timing with a warm-up run and the median of several; timings never feed tests.</summary>
public static class Measure
{
    /// <summary>Median seconds of <paramref name="runs"/> calls after one warm-up.</summary>
    public static double Seconds(Action action, int runs = 5)
    {
        action();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>Median of values returned by <paramref name="sample"/> (e.g. GPU timestamp milliseconds).</summary>
    public static double Median(Func<double> sample, int runs = 5)
    {
        sample();
        var values = Enumerable.Range(0, runs).Select(_ => sample()).Order().ToArray();
        return values[runs / 2];
    }

    public static string Rate(double perSecond, string unit) => perSecond switch
    {
        >= 1e9 => $"{perSecond / 1e9:F2} G{unit}/s",
        >= 1e6 => $"{perSecond / 1e6:F2} M{unit}/s",
        >= 1e3 => $"{perSecond / 1e3:F2} k{unit}/s",
        _ => $"{perSecond:F1} {unit}/s",
    };

    public static string Ratio(double x) => $"{x:F2}x";
}
