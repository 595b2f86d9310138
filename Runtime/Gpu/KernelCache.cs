using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// Compute pipelines by kernel name, built once from the embedded SPIR-V and checked against their
/// <see cref="KernelSpec"/>, with the driver's pipeline cache persisted to disk between runs. Thread-safe.
/// </summary>
internal sealed unsafe class KernelCache : IDisposable
{
    private readonly VulkanDevice _vk;
    private readonly Dictionary<string, Kernel> _kernels = new();
    private readonly string? _pipelineCachePath;

    public KernelCache(VulkanDevice vk, string? cacheDir)
    {
        _vk = vk;
        _pipelineCachePath = PipelineCachePath(cacheDir, vk.PhysicalDevice);
        PipelineCache = CreatePipelineCache(_pipelineCachePath);
    }

    private Vk Api => _vk.Api;
    private Device Device => _vk.Device;
    public PipelineCache PipelineCache { get; }

    public Kernel Get(KernelSpec spec)
    {
        lock (_kernels)
        {
            if (_kernels.TryGetValue(spec.Name, out var cached))
            {
                if (cached.Spec != spec) throw new InvalidOperationException($"kernel '{spec.Name}' was loaded as {cached.Spec} and is now requested as {spec}");
                return cached;
            }
            var bytes = LoadSpirv(spec.Name);
            var reflection = SpirvReflection.Parse(bytes, spec.Name);
            Kernel.Verify(spec, reflection);
            var kernel = BuildKernel(spec, reflection, bytes);
            _kernels[spec.Name] = kernel;
            return kernel;
        }
    }

    private static byte[] LoadSpirv(string name)
    {
        var bytes = SpirvModules.Find(name);
        if (bytes is null)
        {
            var names = SpirvModules.Names;
            var close = names.Where(k => k.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(k, StringComparison.OrdinalIgnoreCase)).Take(5).ToArray();
            throw new ArgumentException($"no shader kernel named '{name}'" +
                (close.Length > 0 ? $"; did you mean {string.Join(", ", close)}?" : $"; {names.Count} kernels are embedded (see GpuContext.KernelNames)"), nameof(name));
        }
        return bytes;
    }

    private Kernel BuildKernel(KernelSpec spec, SpirvReflection reflection, byte[] code)
    {
        ShaderModule module;
        fixed (byte* p = code)
        {
            var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)p };
            VulkanResult.Check(Api.CreateShaderModule(Device, &info, null, &module));
        }
        var bindings = stackalloc DescriptorSetLayoutBinding[Math.Max(spec.Buffers, 1)];
        for (int i = 0; i < spec.Buffers; i++)
            bindings[i] = new DescriptorSetLayoutBinding
            {
                Binding = (uint)i, DescriptorType = spec.IsTexelBuffer(i) ? DescriptorType.UniformTexelBuffer : DescriptorType.StorageBuffer,
                DescriptorCount = 1, StageFlags = ShaderStageFlags.ComputeBit,
            };
        var setInfo = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = (uint)spec.Buffers, PBindings = bindings };
        DescriptorSetLayout setLayout;
        VulkanResult.Check(Api.CreateDescriptorSetLayout(Device, &setInfo, null, &setLayout));
        var range = new PushConstantRange { StageFlags = ShaderStageFlags.ComputeBit, Offset = 0, Size = (uint)spec.PushConstantBytes };
        var layoutInfo = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo, SetLayoutCount = 1, PSetLayouts = &setLayout,
            PushConstantRangeCount = spec.PushConstantBytes > 0 ? 1u : 0u, PPushConstantRanges = &range,
        };
        PipelineLayout layout;
        VulkanResult.Check(Api.CreatePipelineLayout(Device, &layoutInfo, null, &layout));
        var entry = (byte*)SilkMarshal.StringToPtr("main");
        try
        {
            var pipelineInfo = new ComputePipelineCreateInfo
            {
                SType = StructureType.ComputePipelineCreateInfo, Layout = layout,
                Stage = new PipelineShaderStageCreateInfo
                {
                    SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.ComputeBit, Module = module, PName = entry,
                },
            };
            Pipeline pipeline;
            VulkanResult.Check(Api.CreateComputePipelines(Device, PipelineCache, 1, &pipelineInfo, null, &pipeline));
            return new Kernel(spec, reflection, module, setLayout, layout, pipeline);
        }
        finally { SilkMarshal.Free((nint)entry); }
    }

    public void Dispose()
    {
        lock (_kernels)
        {
            SavePipelineCache();
            foreach (var k in _kernels.Values)
            {
                Api.DestroyPipeline(Device, k.Pipeline, null);
                Api.DestroyPipelineLayout(Device, k.Layout, null);
                Api.DestroyDescriptorSetLayout(Device, k.SetLayout, null);
                Api.DestroyShaderModule(Device, k.Module, null);
            }
            _kernels.Clear();
            Api.DestroyPipelineCache(Device, PipelineCache, null);
        }
    }

    private string? PipelineCachePath(string? dir, PhysicalDevice pd)
    {
        if (dir is null) return null;
        PhysicalDeviceProperties props;
        Api.GetPhysicalDeviceProperties(pd, &props);
        var uuid = Convert.ToHexString(new ReadOnlySpan<byte>(props.PipelineCacheUuid, 16));
        return Path.Combine(dir, $"pipelines-{props.VendorID:x4}-{props.DeviceID:x4}-{uuid}.bin");
    }

    private PipelineCache CreatePipelineCache(string? path)
    {
        byte[] initial = Array.Empty<byte>();
        try { if (path is not null && File.Exists(path)) initial = File.ReadAllBytes(path); }
        catch (IOException) { } // an unreadable cache only costs compile time
        catch (UnauthorizedAccessException) { }
        fixed (byte* p = initial)
        {
            var info = new PipelineCacheCreateInfo { SType = StructureType.PipelineCacheCreateInfo, InitialDataSize = (nuint)initial.Length, PInitialData = p };
            PipelineCache cache;
            var result = Api.CreatePipelineCache(Device, &info, null, &cache);
            if (result != Result.Success && initial.Length > 0)
            {
                info.InitialDataSize = 0; info.PInitialData = null; // corrupt cache file: start empty
                result = Api.CreatePipelineCache(Device, &info, null, &cache);
            }
            VulkanResult.Check(result);
            return cache;
        }
    }

    private void SavePipelineCache()
    {
        if (_pipelineCachePath is null || _kernels.Count == 0) return;
        try
        {
            nuint size = 0;
            VulkanResult.Check(Api.GetPipelineCacheData(Device, PipelineCache, &size, null));
            var data = new byte[size];
            fixed (byte* p = data) VulkanResult.Check(Api.GetPipelineCacheData(Device, PipelineCache, &size, p));
            Directory.CreateDirectory(Path.GetDirectoryName(_pipelineCachePath)!);
            var temp = _pipelineCachePath + $".{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, data.AsSpan(0, (int)size).ToArray());
            File.Move(temp, _pipelineCachePath, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
