using FieldForge.Gpu;

namespace FieldForge.Cli;

/// <summary>
/// The Vulkan context a verb runs on: the host's (tests pass their validated context through <see cref="CliArgs.Gpu"/>,
/// and it is not disposed here) or a new one. A driver that fails to start (missing, or a malformed ICD manifest named
/// by VK_ICD_FILENAMES / VK_DRIVER_FILES) is an environment failure, exit 3, with a hint instead of a bare VkResult.
/// </summary>
internal sealed class CliGpu : IDisposable
{
    private readonly bool _owned;

    private CliGpu(GpuContext context, bool owned) { Context = context; _owned = owned; }

    public GpuContext Context { get; }

    public static CliGpu Open(CliArgs args)
    {
        if (args.Gpu is { } shared) return new CliGpu(shared, owned: false);
        try { return new CliGpu(GpuContext.Create(), owned: true); }
        catch (GpuUnavailableException) { throw; }
        catch (GpuException e)
        {
            var icd = Environment.GetEnvironmentVariable("VK_ICD_FILENAMES") ?? Environment.GetEnvironmentVariable("VK_DRIVER_FILES");
            throw new GpuUnavailableException($"the Vulkan driver could not be started ({CliProgram.OneLine(e)})" +
                (icd is null ? "; check the installed driver" : $"; check the driver manifest '{icd}' named by VK_ICD_FILENAMES/VK_DRIVER_FILES"));
        }
    }

    public void Dispose()
    {
        if (_owned) Context.Dispose();
    }
}
