using FieldForge.Gpu;

namespace FieldForge.Cli;

/// <summary>`./ff devices`: what FIELDFORGE_DEVICE can pick from.</summary>
public sealed class DevicesCommand : ICommand
{
    public string Verb => "devices";
    public string Summary => "list Vulkan devices";

    public int Run(CliArgs args)
    {
        args.RejectUnknown();
        foreach (var d in GpuContext.ListDevices()) Console.WriteLine($"{d.Index}: {d}");
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        Console.WriteLine($"default: {gpu.DeviceInfo.Name}");
        return 0;
    }
}
