using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FieldForge.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FieldForge.Editor;

/// <summary>The HTTP endpoints of the web editor. Edits run on the session thread through
/// <see cref="EditorSession.InvokeAsync{T}"/>; reads come from the immutable snapshot.</summary>
internal sealed class EditorApi(EditorSession session, PresetStore presets, int maxRequestBytes)
{
    // The schema of the session's current component list, rebuilt when an attached game adds or removes components.
    private sealed record SchemaCache(IReadOnlyList<(string Id, Type Type)> Types, string Json);
    private volatile SchemaCache? _schema;

    private string Schema()
    {
        var types = session.ComponentTypes;
        if (_schema is { } cached && ReferenceEquals(cached.Types, types)) return cached.Json;
        var json = new JsonObject
        {
            ["schemaVersion"] = InspectorSchema.Version,
            ["components"] = new JsonArray(types.Select(c =>
            {
                var o = InspectorSchema.Describe(c.Type);
                o.Insert(0, "id", c.Id);
                return (JsonNode?)o;
            }).ToArray()),
        }.ToJsonString();
        _schema = new SchemaCache(types, json);
        return json;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/schema", ctx => Text(ctx, Schema()));
        app.MapGet("/api/session", ctx => Json(ctx, SessionJson(session.Snapshot, session.GameView)));
        app.MapGet("/api/gameview.png", GameView);
        app.MapGet("/api/components/{id}/previews/{file}", Preview);
        app.MapPost("/api/components/{id}/parameters", SetParameter);
        app.MapPost("/api/components/{id}/enabled", SetEnabled);
        app.MapPost("/api/undo", ctx => UndoRedo(ctx, undo: true));
        app.MapPost("/api/redo", ctx => UndoRedo(ctx, undo: false));
        app.MapGet("/api/presets", ctx => Json(ctx, new JsonObject
        {
            ["directory"] = presets.Directory,
            ["names"] = new JsonArray(presets.List().Select(n => (JsonNode?)n).ToArray()),
        }));
        app.MapGet("/api/presets/{name}", ctx => Text(ctx, presets.Load(Route(ctx, "name")).ToJson()));
        app.MapPost("/api/presets/{name}/save", SavePreset);
        app.MapPost("/api/presets/{name}/load", LoadPreset);
        app.Map("/api/{**rest}", ctx => throw new EditorException(404, $"no API endpoint {ctx.Request.Method} {ctx.Request.Path}"));
    }

    /// <summary>Headers on every response: the page may not be framed by any site (clickjacking), content types are
    /// not sniffed, and the page may only load its own scripts and talk to its own server.</summary>
    public static Task SecurityHeaders(HttpContext ctx, RequestDelegate next)
    {
        ctx.Response.OnStarting(() =>
        {
            var h = ctx.Response.Headers;
            h.XFrameOptions = "DENY";
            h.XContentTypeOptions = "nosniff";
            h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            h["Referrer-Policy"] = "no-referrer";
            h["Cross-Origin-Resource-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(ctx);
    }

    /// <summary>Refuses requests another web site could make through the user's browser: a Host header that is not this
    /// machine's loopback (DNS rebinding) gets 403; a state-changing request whose Origin (or Sec-Fetch-Site) says it came
    /// from another site gets 403; and a POST whose media type is not exactly application/json (UTF-8) gets 415, because
    /// only JSON needs a CORS preflight, which this server never grants.</summary>
    public static Task LocalOnly(HttpContext ctx, RequestDelegate next)
    {
        var host = ctx.Request.Host.Host;
        if (host is not ("127.0.0.1" or "localhost" or "[::1]" or "::1"))
            throw new EditorException(403, $"the editor only answers requests for 127.0.0.1 or localhost, not '{ctx.Request.Host}'");
        bool changesState = !(HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method));
        if (changesState)
        {
            var origin = ctx.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && !IsOwnOrigin(origin, ctx.Connection.LocalPort))
                throw new EditorException(403, $"{ctx.Request.Method} {ctx.Request.Path} from another origin ('{origin}') is refused");
            var site = ctx.Request.Headers["Sec-Fetch-Site"].ToString();
            if (site.Length > 0 && site is not ("same-origin" or "none"))
                throw new EditorException(403, $"{ctx.Request.Method} {ctx.Request.Path} from a {site} page is refused");
        }
        if (HttpMethods.IsPost(ctx.Request.Method) && ctx.Request.Path.StartsWithSegments("/api") && !IsJson(ctx.Request.ContentType))
            throw new EditorException(415, $"POST {ctx.Request.Path} needs Content-Type: application/json, got '{ctx.Request.ContentType ?? "none"}'");
        return next(ctx);
    }

    private static bool IsOwnOrigin(string origin, int port) =>
        origin == $"http://127.0.0.1:{port}" || origin == $"http://localhost:{port}" || origin == $"http://[::1]:{port}";

    /// <summary>Exactly application/json, optionally with charset=utf-8 (not application/jsonp, not a +json suffix type).</summary>
    private static bool IsJson(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        if (!string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)) return false;
        var charset = media.Charset.Value;
        return charset is null || string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Turns every failure into a JSON error with a 4xx (or 500) status; the server keeps serving. A 500 is
    /// written to the server log in full (type, message, stack) and answered with a short generic message: exception
    /// details and absolute paths are for the person running the editor, not for whatever page made the request.</summary>
    public static async Task ErrorsAsJson(HttpContext ctx, RequestDelegate next, Action<string> log)
    {
        try { await next(ctx); }
        catch (Exception e) when (!ctx.Response.HasStarted && !ctx.RequestAborted.IsCancellationRequested)
        {
            var (status, message) = e switch
            {
                EditorException ee => (ee.Status, ee.Message),
                BadHttpRequestException be => (be.StatusCode, be.StatusCode == 413 ? $"request body too large ({be.Message})" : be.Message),
                _ => (500, "internal error; the details are in the editor's log"),
            };
            if (status >= 500)
            {
                try { log($"editor: {ctx.Request.Method} {ctx.Request.Path} failed with {status}: {e}"); }
                catch { /* a broken log must not hide the answer */ }
            }
            ctx.Response.Clear();
            ctx.Response.StatusCode = status;
            await Json(ctx, new JsonObject { ["error"] = message });
        }
    }

    private async Task SetParameter(HttpContext ctx)
    {
        var id = Route(ctx, "id");
        var body = await ReadBody(ctx);
        var name = body["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>()
            : throw new EditorException(400, "body needs \"name\": the parameter to set");
        if (!body.ContainsKey("value")) throw new EditorException(400, $"body needs \"value\" for {name}");
        bool final = body["final"] is not JsonValue f || f.GetValueKind() != JsonValueKind.False;
        var value = body["value"]?.DeepClone();
        var result = session.Edit(doc =>
        {
            doc.SetParameterJson(id, name, value, final);
            return ValuesJson(doc, id);
        }, ctx.RequestAborted);
        await Json(ctx, result);
    }

    private async Task SetEnabled(HttpContext ctx)
    {
        var id = Route(ctx, "id");
        var body = await ReadBody(ctx);
        if (body["enabled"] is not JsonValue v || v.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            throw new EditorException(400, "body needs \"enabled\": true or false");
        bool enabled = await session.SetEnabledAsync(id, v.GetValue<bool>(), ctx.RequestAborted);
        await Json(ctx, new JsonObject { ["id"] = id, ["enabled"] = enabled });
    }

    private async Task UndoRedo(HttpContext ctx, bool undo)
    {
        var result = session.Edit(doc =>
        {
            bool changed = undo ? doc.Undo() : doc.Redo();
            if (!changed) throw new EditorException(409, undo ? "nothing to undo" : "nothing to redo");
            return AllValuesJson(doc);
        }, ctx.RequestAborted);
        await Json(ctx, result);
    }

    private async Task SavePreset(HttpContext ctx)
    {
        var name = Route(ctx, "name");
        var preset = session.Edit(doc => doc.CapturePreset(), ctx.RequestAborted);
        ctx.RequestAborted.ThrowIfCancellationRequested();
        var path = presets.Save(name, preset);
        await Json(ctx, new JsonObject { ["saved"] = name, ["path"] = path });
    }

    private async Task LoadPreset(HttpContext ctx)
    {
        var name = Route(ctx, "name");
        var preset = presets.Load(name); // parse errors are reported before the session is touched
        var result = session.Edit(doc =>
        {
            int changed = doc.ApplyPreset(preset, $"load preset {name}");
            var o = AllValuesJson(doc);
            o["changed"] = changed;
            return o;
        }, ctx.RequestAborted);
        await Json(ctx, result);
    }

    private Task Preview(HttpContext ctx)
    {
        var id = Route(ctx, "id");
        var file = Route(ctx, "file");
        var state = session.Snapshot.Find(id) ?? throw new EditorException(404, $"no component '{id}'");
        var ext = Path.GetExtension(file);
        if (!int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= state.Previews.Count)
            throw new EditorException(404, $"{id} has no preview '{file}' (it has {state.Previews.Count})");
        var p = state.Previews[index];
        ctx.Response.Headers.CacheControl = "no-store";
        if (ext == ".png" && p.Png is { } png)
        {
            ctx.Response.ContentType = "image/png";
            return ctx.Response.Body.WriteAsync(png).AsTask();
        }
        if (ext == ".json" && p.DataJson is { } data) return Text(ctx, data);
        throw new EditorException(404, $"{id} preview {index} ({p.Kind}) has no {ext} form");
    }

    /// <summary>The game's latest frame (an attached session whose game publishes it), encoded here on the request's
    /// thread when it changed since the last request.</summary>
    private Task GameView(HttpContext ctx)
    {
        var (version, png) = session.GameViewPng()
            ?? throw new EditorException(404, "no game view: the game has not published a rendered frame (EditorSession.PublishGameView)");
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["X-Game-View-Version"] = version.ToString(CultureInfo.InvariantCulture);
        ctx.Response.ContentType = "image/png";
        return ctx.Response.Body.WriteAsync(png).AsTask();
    }

    private static JsonObject ValuesJson(EditorDocument doc, string id) => new()
    {
        ["id"] = id,
        ["values"] = InspectorSchema.Values(doc.ValuesOf(id)),
        ["undo"] = doc.History.UndoCount,
        ["redo"] = doc.History.RedoCount,
    };

    private static JsonObject AllValuesJson(EditorDocument doc) => new()
    {
        ["components"] = new JsonObject(doc.Components.Select(c => KeyValuePair.Create(c.Id, (JsonNode?)InspectorSchema.Values(doc.ValuesOf(c.Id))))),
        ["undo"] = doc.History.UndoCount,
        ["redo"] = doc.History.RedoCount,
    };

    private static JsonObject SessionJson(SessionSnapshot s, (int Width, int Height, long Version) view) => new()
    {
        ["device"] = s.Device,
        ["attached"] = s.Attached,
        ["gameView"] = view.Version == 0 ? null : new JsonObject
        {
            ["width"] = view.Width, ["height"] = view.Height, ["version"] = view.Version,
            ["png"] = $"/api/gameview.png?v={view.Version}",
        },
        ["sequence"] = s.Sequence,
        ["frame"] = s.Frame,
        ["frameMs"] = Finite(s.FrameMilliseconds),
        ["fps"] = Finite(s.FramesPerSecond),
        ["workFrame"] = s.WorkFrame,
        ["workFrameMs"] = Finite(s.WorkFrameMilliseconds),
        ["dispatches"] = s.Dispatches,
        ["timings"] = new JsonArray(s.Timings.Select(t => (JsonNode?)new JsonObject
        {
            ["region"] = t.Region, ["ms"] = Finite(t.Milliseconds), ["count"] = t.Count,
        }).ToArray()),
        ["undo"] = s.UndoCount,
        ["redo"] = s.RedoCount,
        ["problems"] = new JsonArray(s.Problems.Select(p => (JsonNode?)p).ToArray()),
        ["components"] = new JsonArray(s.Components.Select(c => (JsonNode?)new JsonObject
        {
            ["id"] = c.Id,
            ["type"] = c.Type,
            ["name"] = c.Name,
            ["enabled"] = c.Enabled,
            ["parameterVersion"] = c.ParameterVersion,
            ["error"] = c.Error,
            ["status"] = new JsonObject
            {
                ["state"] = c.Error is not null ? "error" : !c.Enabled ? "disabled" : c.Status.Activity.ToString().ToLowerInvariant(),
                ["message"] = c.Status.Message,
                ["progress"] = c.Status.Progress is { } progress ? Finite(progress) : null,
                ["stale"] = c.Status.PreviewsStale,
            },
            ["values"] = new JsonObject(c.Values.Select(kv => KeyValuePair.Create(kv.Key, InspectorSchema.ToJson(kv.Value)))),
            ["previews"] = new JsonArray(c.Previews.Select((p, i) => (JsonNode?)new JsonObject
            {
                ["index"] = i,
                ["kind"] = p.Kind,
                ["title"] = p.Title,
                ["version"] = p.Version,
                ["png"] = p.Png is null ? null : $"/api/components/{Uri.EscapeDataString(c.Id)}/previews/{i}.png?v={p.Version}",
                ["data"] = p.DataJson is null ? null : $"/api/components/{Uri.EscapeDataString(c.Id)}/previews/{i}.json?v={p.Version}",
                ["error"] = p.Error,
            }).ToArray()),
        }).ToArray()),
    };

    private static double Finite(double v) => double.IsFinite(v) ? Math.Round(v, 4) : 0;

    private async Task<JsonObject> ReadBody(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > maxRequestBytes)
            throw new EditorException(413, $"request body is {ctx.Request.ContentLength} bytes, more than the {maxRequestBytes} allowed");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            if (buffer.Length + n > maxRequestBytes) throw new EditorException(413, $"request body is more than the {maxRequestBytes} bytes allowed");
            buffer.Write(chunk, 0, n);
        }
        if (buffer.Length == 0) throw new EditorException(400, "request body is empty; expected a JSON object");
        return StrictJson.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) as JsonObject
            ?? throw new EditorException(400, "expected a JSON object");
    }

    private static string Route(HttpContext ctx, string key) => ctx.Request.RouteValues[key] as string ?? "";

    // Relaxed escaping keeps quotes and apostrophes readable in error messages; the content type is JSON, never HTML.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Task Json(HttpContext ctx, JsonNode node) => Text(ctx, node.ToJsonString(Readable));

    private static Task Text(HttpContext ctx, string json)
    {
        ctx.Response.ContentType = "application/json; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-store";
        return ctx.Response.WriteAsync(json);
    }
}
