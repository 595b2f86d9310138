using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FieldForge.Components;
using FieldForge.Gpu;
using FieldForge.Noise;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace FieldForge.Tests;

/// <summary>
/// A game owns the Vulkan device: the test plays the game, creating its own instance (validation on, its own debug
/// messenger), device and graphics+compute queue, lends them to FieldForge, and keeps using them afterwards. Every
/// validation message from either side fails the test.
/// </summary>
public sealed unsafe class SharedDeviceTests
{
    private static readonly ConcurrentQueue<string> GameMessages = new();

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static uint OnGameMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types,
        DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        GameMessages.Enqueue($"{severity}: {SilkMarshal.PtrToString((nint)data->PMessage)}");
        return 0;
    }

    private sealed class Game : IDisposable
    {
        public readonly Vk Api = Vk.GetApi();
        public Instance Instance;
        public PhysicalDevice Physical;
        public Device Device;
        public Queue Queue;
        public uint Family;
        private DebugUtilsMessengerEXT _messenger;

        public Game()
        {
            var layers = (byte**)SilkMarshal.StringArrayToPtr(new[] { "VK_LAYER_KHRONOS_validation" });
            var exts = (byte**)SilkMarshal.StringArrayToPtr(new[] { "VK_EXT_debug_utils" });
            var name = (byte*)SilkMarshal.StringToPtr("a game");
            try
            {
                var app = new ApplicationInfo { SType = StructureType.ApplicationInfo, PApplicationName = name, ApiVersion = Vk.Version12 };
                var info = new InstanceCreateInfo
                {
                    SType = StructureType.InstanceCreateInfo, PApplicationInfo = &app,
                    EnabledLayerCount = 1, PpEnabledLayerNames = layers, EnabledExtensionCount = 1, PpEnabledExtensionNames = exts,
                };
                Assert.That(Api.CreateInstance(&info, null, out Instance), Is.EqualTo(Result.Success));
            }
            finally { SilkMarshal.Free((nint)layers); SilkMarshal.Free((nint)exts); SilkMarshal.Free((nint)name); }

            var messengerInfo = new DebugUtilsMessengerCreateInfoEXT
            {
                SType = StructureType.DebugUtilsMessengerCreateInfoExt,
                MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
                MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
                PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(
                    (delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, Silk.NET.Core.Bool32>)
                    (void*)(delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, uint>)&OnGameMessage),
            };
            var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
                Api.GetInstanceProcAddr(Instance, "vkCreateDebugUtilsMessengerEXT").Handle;
            fixed (DebugUtilsMessengerEXT* m = &_messenger) Assert.That(create(Instance, &messengerInfo, null, m), Is.EqualTo(Result.Success));

            uint count = 1;
            PhysicalDevice pd;
            Api.EnumeratePhysicalDevices(Instance, &count, &pd);
            Physical = pd;
            uint families = 0;
            Api.GetPhysicalDeviceQueueFamilyProperties(Physical, &families, null);
            var props = new QueueFamilyProperties[families];
            fixed (QueueFamilyProperties* p = props) Api.GetPhysicalDeviceQueueFamilyProperties(Physical, &families, p);
            Family = (uint)Array.FindIndex(props, f => (f.QueueFlags & (QueueFlags.GraphicsBit | QueueFlags.ComputeBit)) == (QueueFlags.GraphicsBit | QueueFlags.ComputeBit));
            Assert.That((int)Family, Is.GreaterThanOrEqualTo(0), "the test device has a graphics+compute queue family");
            float priority = 1;
            var queueInfo = new DeviceQueueCreateInfo { SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = Family, QueueCount = 1, PQueuePriorities = &priority };
            var deviceInfo = new DeviceCreateInfo { SType = StructureType.DeviceCreateInfo, QueueCreateInfoCount = 1, PQueueCreateInfos = &queueInfo };
            Assert.That(Api.CreateDevice(Physical, &deviceInfo, null, out Device), Is.EqualTo(Result.Success));
            Api.GetDeviceQueue(Device, Family, 0, out Queue);
        }

        public VulkanDeviceHandles Handles => new(Instance, Physical, Device, Family, Queue) { InstanceHasDebugUtils = true };

        /// <summary>What a game does every frame with its own device: make a buffer, submit a command buffer, wait.</summary>
        public void RenderAFrame(object queueLock)
        {
            var bufferInfo = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = 256, Usage = BufferUsageFlags.VertexBufferBit, SharingMode = SharingMode.Exclusive };
            Assert.That(Api.CreateBuffer(Device, &bufferInfo, null, out var buffer), Is.EqualTo(Result.Success));
            var poolInfo = new CommandPoolCreateInfo { SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = Family };
            Assert.That(Api.CreateCommandPool(Device, &poolInfo, null, out var pool), Is.EqualTo(Result.Success));
            var alloc = new CommandBufferAllocateInfo { SType = StructureType.CommandBufferAllocateInfo, CommandPool = pool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1 };
            CommandBuffer cb;
            Assert.That(Api.AllocateCommandBuffers(Device, &alloc, &cb), Is.EqualTo(Result.Success));
            var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
            Api.BeginCommandBuffer(cb, &begin);
            Api.EndCommandBuffer(cb);
            var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cb };
            lock (queueLock)
            {
                Assert.That(Api.QueueSubmit(Queue, 1, &submit, default), Is.EqualTo(Result.Success));
                Assert.That(Api.QueueWaitIdle(Queue), Is.EqualTo(Result.Success));
            }
            Api.DestroyCommandPool(Device, pool, null);
            Api.DestroyBuffer(Device, buffer, null);
        }

        public void Dispose()
        {
            Api.DeviceWaitIdle(Device);
            Api.DestroyDevice(Device, null);
            var destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
                Api.GetInstanceProcAddr(Instance, "vkDestroyDebugUtilsMessengerEXT").Handle;
            destroy(Instance, _messenger, null);
            Api.DestroyInstance(Instance, null);
            Api.Dispose();
        }
    }

    [Test]
    public void CreateShared_GamesDevice_RunsNoiseAndMorph_ThenTheGameKeepsUsingIt()
    {
        GameMessages.Clear();
        using var game = new Game();
        object queueLock;
        using (var gpu = GpuContext.CreateShared(game.Handles, new GpuContextOptions(EnableValidation: true, CacheDirectory: "")))
        {
            Assert.That(gpu.IsSharedDevice, Is.True);
            Assert.That(gpu.NativeHandles.Device.Handle, Is.EqualTo(game.Device.Handle));
            Assert.That(gpu.NativeHandles.Queue.Handle, Is.EqualTo(game.Queue.Handle));
            queueLock = gpu.QueueLock;

            var noise = new GpuNoise(gpu, new NoiseSettings { Octaves = 3 }).FillGrid(NoiseGrid.Plane(64, 64, 1f / 16));
            var reference = new float[noise.Length];
            new CpuNoise(new NoiseSettings { Octaves = 3 }).FillGrid(NoiseGrid.Plane(64, 64, 1f / 16), reference);
            // Same kernels and tolerance as the noise tests: float rounding of the same arithmetic.
            for (int i = 0; i < noise.Length; i += 97) Assert.That(noise[i], Is.EqualTo(reference[i]).Within(1e-5f));

            using (var host = new ComponentHost(gpu))
            {
                var morph = host.Add(new MorphComponent { ReadBackMesh = true, SourceA = "sphere:r=0.5", SourceB = "box:0.8", T = 0.5f, Resolution = 24 });
                host.Tick(1 / 60.0);
                if (!morph.MeshIsCurrent) host.Tick(0);
                Assert.That(morph.LastMesh!.TriangleCount, Is.GreaterThan(100));
            }
            game.RenderAFrame(queueLock); // the game submits to the same queue while FieldForge lives, under the same lock
            Assert.That(gpu.DrainValidationMessages(), Is.Empty);
        }
        game.RenderAFrame(queueLock); // FieldForge is gone, the game's device is not
        Assert.That(GameMessages, Is.Empty, string.Join("\n", GameMessages.Take(10)));
    }

    [Test]
    public void CreateShared_QueueFamilyThatDoesNotExist_ThrowsNamingIt()
    {
        using var game = new Game();
        var ex = Assert.Throws<GpuUnavailableException>(() => GpuContext.CreateShared(game.Handles with { QueueFamily = 7 }, new GpuContextOptions(EnableValidation: false, CacheDirectory: "")));
        Assert.That(ex!.Message, Does.Contain("queue family 7 does not exist"));
    }

    [Test]
    public void CreateShared_NullHandle_ThrowsArgumentException()
    {
        using var game = new Game();
        Assert.Throws<ArgumentException>(() => GpuContext.CreateShared(game.Handles with { Device = default }));
    }
}
