using System.Diagnostics;
using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Noise;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace FieldForge.Tests;

/// <summary>
/// A renderer's view of <see cref="GpuImage"/>: the test plays a game that binds the image's <see cref="GpuImage.NativeView"/>
/// through a sampler in its own descriptor set with the layout the image reports, and samples it in its own pipeline,
/// submitted on the same queue right after FieldForge's batch without waiting for it and without a barrier of its own.
/// The validation layer checks the descriptor's layout against the image's real one at submit time.
/// </summary>
public sealed unsafe class GpuImageSamplingTests : GpuTest
{
    // Samples texel centres with a nearest-filter sampler: exactly the stored texels (RGBA8 as unorm floats).
    private const string SamplerShader = """
        #version 450
        layout(local_size_x = 8, local_size_y = 8) in;
        layout(binding = 0) uniform sampler2D tex;
        layout(std430, binding = 1) writeonly buffer Texels { vec4 texels[]; };
        layout(push_constant) uniform Push { uint width; uint height; } pc;
        void main()
        {
            uvec2 p = gl_GlobalInvocationID.xy;
            if (p.x >= pc.width || p.y >= pc.height) return;
            texels[p.y * pc.width + p.x] = texture(tex, (vec2(p) + 0.5) / vec2(pc.width, pc.height));
        }
        """;

    [TestCase(GpuImageFormat.R32Sfloat)]
    [TestCase(GpuImageFormat.R8G8B8A8Unorm)]
    public void GameSamplesTheNoiseImage_RightAfterTheBatch_WithoutBarrierOrWait(GpuImageFormat format)
    {
        const int width = 37, height = 19;
        var settings = new NoiseSettings { Seed = 11, Octaves = 4 };
        var grid = NoiseGrid.Plane(width, height, 0.09f);
        var noise = new GpuNoise(Gpu, settings);
        using var values = Gpu.CreateBuffer<float>(grid.Count);
        using var texels = Gpu.CreateBuffer<uint>(grid.Count);
        using var image = Gpu.CreateImage(width, height, format);
        using var sampled = Gpu.CreateBuffer<Vector4>(grid.Count, label: "sampled texels");
        using var game = new SamplingPipeline(Gpu, Compile(SamplerShader));

        using (var batch = Gpu.BeginBatch())
        {
            if (format == GpuImageFormat.R32Sfloat) noise.RecordFillImage(batch, grid, values, image);
            else
            {
                noise.RecordFillGrid(batch, grid, values);
                noise.RecordColorImage(batch, values, texels, image, -1f, 1f, colorRamp: true);
            }
            batch.Submit(wait: false);
            game.SampleAndWait(image, sampled, width, height); // same queue, submitted after the batch, no barrier
        }

        var actual = sampled.ToArray();
        if (format == GpuImageFormat.R32Sfloat)
        {
            var expected = values.ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.That(actual[i], Is.EqualTo(new Vector4(expected[i], 0, 0, 1)), $"texel {i}: an R32 texture samples as (r, 0, 0, 1), bit-exact");
        }
        else
        {
            var bytes = image.ToArray<byte>();
            for (int i = 0; i < grid.Count; i++)
            {
                var expected = new Vector4(bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]) / 255f;
                // Unorm conversion (c / 255) is exact to within float rounding.
                Assert.That(Vector4.Distance(actual[i], expected), Is.LessThan(1e-6f), $"texel {i}");
            }
        }
    }

    private static byte[] Compile(string glsl)
    {
        var dir = Directory.CreateTempSubdirectory("ff-sample-shader");
        try
        {
            var source = Path.Combine(dir.FullName, "sample.comp");
            var output = Path.Combine(dir.FullName, "sample.spv");
            File.WriteAllText(source, glsl);
            using var glslc = Process.Start(new ProcessStartInfo("glslc", $"--target-env=vulkan1.2 -o \"{output}\" \"{source}\"") { RedirectStandardError = true })!;
            string errors = glslc.StandardError.ReadToEnd();
            glslc.WaitForExit();
            Assert.That(glslc.ExitCode, Is.Zero, errors);
            return File.ReadAllBytes(output);
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>The game's side: its own sampler, descriptor set, compute pipeline, command pool and fence.</summary>
    private sealed class SamplingPipeline : IDisposable
    {
        private readonly GpuContext _gpu;
        private readonly Vk _api;
        private readonly Device _device;
        private readonly ShaderModule _module;
        private readonly Sampler _sampler;
        private readonly DescriptorSetLayout _setLayout;
        private readonly PipelineLayout _layout;
        private readonly Pipeline _pipeline;
        private readonly DescriptorPool _pool;
        private readonly CommandPool _commandPool;
        private readonly Fence _fence;

        public SamplingPipeline(GpuContext gpu, byte[] spirv)
        {
            _gpu = gpu; _api = gpu.Api; _device = gpu.NativeHandles.Device;
            fixed (byte* code = spirv)
            {
                var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)spirv.Length, PCode = (uint*)code };
                Check(_api.CreateShaderModule(_device, &info, null, out _module));
            }
            var samplerInfo = new SamplerCreateInfo
            {
                SType = StructureType.SamplerCreateInfo, MagFilter = Filter.Nearest, MinFilter = Filter.Nearest, MipmapMode = SamplerMipmapMode.Nearest,
                AddressModeU = SamplerAddressMode.ClampToEdge, AddressModeV = SamplerAddressMode.ClampToEdge, AddressModeW = SamplerAddressMode.ClampToEdge,
                MaxLod = 0,
            };
            Check(_api.CreateSampler(_device, &samplerInfo, null, out _sampler));
            var bindings = stackalloc DescriptorSetLayoutBinding[2];
            bindings[0] = new DescriptorSetLayoutBinding { Binding = 0, DescriptorType = DescriptorType.CombinedImageSampler, DescriptorCount = 1, StageFlags = ShaderStageFlags.ComputeBit };
            bindings[1] = new DescriptorSetLayoutBinding { Binding = 1, DescriptorType = DescriptorType.StorageBuffer, DescriptorCount = 1, StageFlags = ShaderStageFlags.ComputeBit };
            var setInfo = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = 2, PBindings = bindings };
            Check(_api.CreateDescriptorSetLayout(_device, &setInfo, null, out _setLayout));
            var range = new PushConstantRange { StageFlags = ShaderStageFlags.ComputeBit, Size = 8 };
            var setLayout = _setLayout;
            var layoutInfo = new PipelineLayoutCreateInfo
            {
                SType = StructureType.PipelineLayoutCreateInfo, SetLayoutCount = 1, PSetLayouts = &setLayout, PushConstantRangeCount = 1, PPushConstantRanges = &range,
            };
            Check(_api.CreatePipelineLayout(_device, &layoutInfo, null, out _layout));
            var entry = (byte*)SilkMarshal.StringToPtr("main");
            try
            {
                var pipelineInfo = new ComputePipelineCreateInfo
                {
                    SType = StructureType.ComputePipelineCreateInfo, Layout = _layout,
                    Stage = new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.ComputeBit, Module = _module, PName = entry },
                };
                Check(_api.CreateComputePipelines(_device, default, 1, &pipelineInfo, null, out _pipeline));
            }
            finally { SilkMarshal.Free((nint)entry); }
            var sizes = stackalloc DescriptorPoolSize[2];
            sizes[0] = new DescriptorPoolSize(DescriptorType.CombinedImageSampler, 1);
            sizes[1] = new DescriptorPoolSize(DescriptorType.StorageBuffer, 1);
            var poolInfo = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = 1, PoolSizeCount = 2, PPoolSizes = sizes };
            Check(_api.CreateDescriptorPool(_device, &poolInfo, null, out _pool));
            var commandPoolInfo = new CommandPoolCreateInfo { SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = gpu.NativeHandles.QueueFamily };
            Check(_api.CreateCommandPool(_device, &commandPoolInfo, null, out _commandPool));
            var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
            Check(_api.CreateFence(_device, &fenceInfo, null, out _fence));
        }

        public void SampleAndWait(GpuImage image, GpuBuffer output, int width, int height)
        {
            var setLayout = _setLayout;
            var allocInfo = new DescriptorSetAllocateInfo { SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = _pool, DescriptorSetCount = 1, PSetLayouts = &setLayout };
            Check(_api.AllocateDescriptorSets(_device, &allocInfo, out var set));
            var imageInfo = new DescriptorImageInfo { Sampler = _sampler, ImageView = image.NativeView, ImageLayout = image.Layout };
            var bufferInfo = new DescriptorBufferInfo { Buffer = output.NativeHandle, Offset = 0, Range = Vk.WholeSize };
            var writes = stackalloc WriteDescriptorSet[2];
            writes[0] = new WriteDescriptorSet { SType = StructureType.WriteDescriptorSet, DstSet = set, DstBinding = 0, DescriptorCount = 1, DescriptorType = DescriptorType.CombinedImageSampler, PImageInfo = &imageInfo };
            writes[1] = new WriteDescriptorSet { SType = StructureType.WriteDescriptorSet, DstSet = set, DstBinding = 1, DescriptorCount = 1, DescriptorType = DescriptorType.StorageBuffer, PBufferInfo = &bufferInfo };
            _api.UpdateDescriptorSets(_device, 2, writes, 0, null);

            var cbInfo = new CommandBufferAllocateInfo { SType = StructureType.CommandBufferAllocateInfo, CommandPool = _commandPool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1 };
            Check(_api.AllocateCommandBuffers(_device, &cbInfo, out var cb));
            var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
            Check(_api.BeginCommandBuffer(cb, &begin));
            _api.CmdBindPipeline(cb, PipelineBindPoint.Compute, _pipeline);
            _api.CmdBindDescriptorSets(cb, PipelineBindPoint.Compute, _layout, 0, 1, &set, 0, null);
            var push = stackalloc uint[] { (uint)width, (uint)height };
            _api.CmdPushConstants(cb, _layout, ShaderStageFlags.ComputeBit, 0, 8, push);
            _api.CmdDispatch(cb, (uint)(width + 7) / 8, (uint)(height + 7) / 8, 1);
            // Make the game's shader writes visible to the host read that follows (the game's own output, not the image).
            var toHost = new MemoryBarrier { SType = StructureType.MemoryBarrier, SrcAccessMask = AccessFlags.ShaderWriteBit, DstAccessMask = AccessFlags.HostReadBit };
            _api.CmdPipelineBarrier(cb, PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
            Check(_api.EndCommandBuffer(cb));
            var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cb };
            lock (_gpu.QueueLock) Check(_api.QueueSubmit(_gpu.NativeHandles.Queue, 1, &submit, _fence));
            var fence = _fence;
            Check(_api.WaitForFences(_device, 1, &fence, true, ulong.MaxValue));
            _api.FreeCommandBuffers(_device, _commandPool, 1, &cb);
        }

        private static void Check(Result result) => Assert.That(result, Is.EqualTo(Result.Success));

        public void Dispose()
        {
            _api.DestroyFence(_device, _fence, null);
            _api.DestroyCommandPool(_device, _commandPool, null);
            _api.DestroyDescriptorPool(_device, _pool, null);
            _api.DestroyPipeline(_device, _pipeline, null);
            _api.DestroyPipelineLayout(_device, _layout, null);
            _api.DestroyDescriptorSetLayout(_device, _setLayout, null);
            _api.DestroySampler(_device, _sampler, null);
            _api.DestroyShaderModule(_device, _module, null);
        }
    }
}
