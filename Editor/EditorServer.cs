using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FieldForge.Editor;

/// <summary>
/// The local web editor: ASP.NET Core minimal APIs on 127.0.0.1 serving the page (editor-web/), the inspector
/// schema, live session state, preview images/plots, edits, undo/redo and presets. Every refused request is a 4xx
/// JSON <c>{ "error": "..." }</c>; an unexpected failure is a 500 with the same shape, never a crash.
/// </summary>
public sealed class EditorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EditorServer(WebApplication app, Uri url, PresetStore presets)
    {
        _app = app;
        Url = url;
        Presets = presets;
    }

    /// <summary>Where the editor is served, e.g. http://127.0.0.1:7420/.</summary>
    public Uri Url { get; }

    /// <summary>Where the page's Save/Load buttons keep presets.</summary>
    public PresetStore Presets { get; }

    /// <summary>Starts serving <paramref name="session"/> (which must be ready). The server does not own the session.</summary>
    public static async Task<EditorServer> StartAsync(EditorSession session, EditorServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new EditorServerOptions();
        options.Validate();
        await session.WaitUntilReadyAsync();
        IFileProvider web = options.WebRoot is { } root
            ? new PhysicalFileProvider(Path.GetFullPath(root))
            : new EmbeddedFileProvider(typeof(EditorServer).Assembly, "FieldForge.Editor.web");
        foreach (var required in new[] { "index.html", "app.js", "lib/tweakpane.min.js" })
            if (!web.GetFileInfo(required).Exists)
                throw new FileNotFoundException(options.WebRoot is null
                    ? $"editor web asset {required} is not embedded in FieldForge.Editor: it was built without Editor/Web/node_modules (run `npm ci` in Editor/Web and rebuild)"
                    : $"editor web asset {required} is missing from {Path.GetFullPath(options.WebRoot)}");
        var presets = new PresetStore(options.PresetDirectory);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>(); // the caller owns Ctrl-C/SIGTERM handling
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        });
        var app = builder.Build();
        var api = new EditorApi(session, presets, options.MaxRequestBytes);
        app.Use(EditorApi.SecurityHeaders);
        var log = options.ServerLog ?? (line => Console.Error.WriteLine(line));
        app.Use((ctx, next) => EditorApi.ErrorsAsJson(ctx, next, log));
        app.Use(EditorApi.LocalOnly);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = web });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = web,
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        api.Map(app);
        try { await app.StartAsync(); }
        catch
        {
            await app.DisposeAsync(); // e.g. the port is taken: free what was built before reporting it
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EditorServer(app, new Uri(address.EndsWith('/') ? address : address + "/"), presets);
    }

    /// <summary>Stops accepting requests and finishes those in flight.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Stops the server and frees it (the session stays with its owner).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>No console hooks: the CLI and tests decide when to stop.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
