using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;

namespace FieldForge.Samples;

/// <summary>Simulates a shoebox room's impulse response with the GPU wave solver (FDTD) and plays a click train
/// through it with the streaming partitioned convolver, as a game's audio callback would.</summary>
public static class SoundFieldSample
{
    /// <summary>Writes clicks_dry.wav and clicks_in_room.wav (48 kHz mono) into <paramref name="outputDirectory"/>;
    /// returns their paths. <paramref name="small"/> simulates a smaller room, band and duration.</summary>
    public static IReadOnlyList<string> Run(GpuContext gpu, string outputDirectory, bool small = false)
    {
        Directory.CreateDirectory(outputDirectory);

        // A shoebox [0,lx]x[0,ly]x[0,lz] in metres with walls reflecting 85 % of the pressure.
        var room = (small ? Room.Box(2, 1.5, 1.2) : Room.Box(4, 3, 2.5)).WithWalls(WallSpec.FromReflection(0.85));
        // The grid resolves sound up to MaxFrequencyHz (cost grows with its 4th power: keep it low for real time).
        var settings = new FdtdSettings { MaxFrequencyHz = small ? 300 : 500 };
        var source = new Vector3(0.5f, 0.5f, 0.6f);
        var listener = small ? new Vector3(1.5f, 1.0f, 0.6f) : new Vector3(3.2f, 2.2f, 1.2f);

        // One pulse at the source; the pressure at the listener over time IS the impulse response (Pa).
        using var solver = new FdtdSolver(gpu, room, settings);
        var recording = solver.Simulate(source, [listener], durationSeconds: small ? 0.1 : 0.4);
        ImpulseResponse ir = recording.ToImpulseResponse();
        Console.WriteLine($"{room}: grid {solver.Grid}, {solver.Step} steps, IR {ir.Duration * 1000:F0} ms at {ir.SampleRate:F0} Hz");

        // The solver's rate follows its time step; the convolver resamples the IR to the audio rate once.
        const int rate = 48000, block = 256;

        // Dry signal: a click every 0.25 s (a single-sample impulse each).
        var dry = new float[(int)(rate * (small ? 0.5 : 2.0))];
        for (int at = rate / 20; at < dry.Length; at += rate / 4) dry[at] = 1f;

        // Streaming convolution: the audio thread hands over one block, gets one block back, no allocation.
        var convolver = new PartitionedConvolver(ir, rate, block);
        var wet = new float[(dry.Length + convolver.Partitions * block + block - 1) / block * block];
        var input = new float[block];
        for (int start = 0; start < wet.Length; start += block)
        {
            Array.Clear(input);
            if (start < dry.Length) dry.AsSpan(start, Math.Min(block, dry.Length - start)).CopyTo(input);
            convolver.ProcessBlock(input, wet.AsSpan(start, block));
        }

        // An FDTD IR is in pascals per pulse, not a unit-gain filter: scale the peak to 0.9 full scale.
        float peak = wet.Max(MathF.Abs);
        for (int i = 0; i < wet.Length; i++) wet[i] *= 0.9f / peak;

        string dryPath = Path.Combine(outputDirectory, "clicks_dry.wav"), wetPath = Path.Combine(outputDirectory, "clicks_in_room.wav");
        new WavFile(rate, [dry]).Write(dryPath);   // 16-bit PCM by default
        new WavFile(rate, [wet]).Write(wetPath);
        return [dryPath, wetPath];
    }
}
