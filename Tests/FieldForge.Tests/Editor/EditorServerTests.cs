using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

/// <summary>The web API in-process on a free port: good requests work, bad ones get 4xx JSON errors, and the server
/// keeps answering after all of them.</summary>
public class EditorServerTests : EditorServerFixture
{
    [SetUp]
    public async Task ResetLevel() => await Post("api/components/SwatchComponent/parameters", """{ "name": "Level", "value": 0.5 }""");

    private Task<HttpResponseMessage> Post(string path, string body) =>
        _http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<string> ErrorOf(HttpResponseMessage res, HttpStatusCode status)
    {
        Assert.That(res.StatusCode, Is.EqualTo(status), await res.Content.ReadAsStringAsync());
        Assert.That(res.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var json = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        return (string)json["error"]!;
    }

    private float Level() => (float)_session.Snapshot.Find("SwatchComponent")!.Values["Level"]!;

    [Test]
    public void Server_BindsLoopbackOnly()
    {
        Assert.That(_server.Url.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(_server.Url.Port, Is.GreaterThan(0));
    }

    [Test]
    public async Task Schema_ListsComponentsWithTheirParameters()
    {
        var schema = JsonNode.Parse(await _http.GetStringAsync("api/schema"))!;
        Assert.That((int)schema["schemaVersion"]!, Is.EqualTo(InspectorSchema.Version));
        var c = schema["components"]![0]!;
        Assert.That(((string)c["id"]!, c["parameters"]!.AsArray().Count), Is.EqualTo(("SwatchComponent", 8)));
    }

    [Test]
    public async Task Page_AndLocalLibrary_AreServed()
    {
        Assert.That(await _http.GetStringAsync(""), Does.Contain("<script type=\"module\" src=\"app.js\">"));
        var lib = await _http.GetAsync("lib/tweakpane.min.js");
        Assert.That(lib.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Tweakpane is served from the build output, not a CDN");
    }

    [Test]
    public async Task SetParameter_Valid_AppliedAndReturnsValues()
    {
        var res = await Post("api/components/SwatchComponent/parameters", """{ "name": "Level", "value": 0.75 }""");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        Assert.That((double)json["values"]!["Level"]!, Is.EqualTo(0.75));
        Assert.That(Level(), Is.EqualTo(0.75f));
    }

    [TestCase("""{ "name": "Level", "value": 3 }""", HttpStatusCode.BadRequest, "SwatchComponent.Level must be 0..1, got 3")]
    [TestCase("""{ "name": "Level", "value": "NaN" }""", HttpStatusCode.BadRequest, "Level: must be a finite number")]
    [TestCase("""{ "name": "Level", "value": [1, 2] }""", HttpStatusCode.BadRequest, "Level: expected a number")]
    [TestCase("""{ "name": "Level" }""", HttpStatusCode.BadRequest, "body needs \"value\" for Level")]
    [TestCase("""{ "value": 1 }""", HttpStatusCode.BadRequest, "body needs \"name\"")]
    [TestCase("""{ "name": "Volume", "value": 1 }""", HttpStatusCode.NotFound, "SwatchComponent has no parameter 'Volume'")]
    [TestCase("""{ "name": "Level", "value": 0.1 """, HttpStatusCode.BadRequest, "malformed JSON")]
    [TestCase("""[ "Level", 0.1 ]""", HttpStatusCode.BadRequest, "expected a JSON object")]
    [TestCase("", HttpStatusCode.BadRequest, "request body is empty")]
    public async Task SetParameter_BadRequest_4xxJsonErrorAndStateUnchanged(string body, HttpStatusCode status, string message)
    {
        var error = await ErrorOf(await Post("api/components/SwatchComponent/parameters", body), status);
        Assert.That(error, Does.Contain(message));
        Assert.That(Level(), Is.EqualTo(0.5f));
    }

    [Test]
    public async Task SetParameter_UnknownComponent_404()
    {
        var error = await ErrorOf(await Post("api/components/Ghost/parameters", """{ "name": "Level", "value": 0.1 }"""), HttpStatusCode.NotFound);
        Assert.That(error, Is.EqualTo("no component 'Ghost' (have: SwatchComponent)"));
    }

    [Test]
    public async Task OversizedBody_413AndServerStillAnswers()
    {
        var huge = """{ "name": "Texture", "value": " """ + new string('x', 70 * 1024) + "\" }";
        var error = await ErrorOf(await Post("api/components/SwatchComponent/parameters", huge), HttpStatusCode.RequestEntityTooLarge);
        Assert.That(error, Does.Contain("65536"));
        Assert.That((await _http.GetAsync("api/session")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task UnknownEndpointsAndPreviews_404Json()
    {
        Assert.That(await ErrorOf(await _http.GetAsync("api/teapot"), HttpStatusCode.NotFound), Is.EqualTo("no API endpoint GET /api/teapot"));
        Assert.That(await ErrorOf(await _http.GetAsync("api/components/SwatchComponent/previews/9.png"), HttpStatusCode.NotFound), Does.Contain("has no preview '9.png'"));
        Assert.That(await ErrorOf(await _http.GetAsync("api/components/SwatchComponent/previews/1.png"), HttpStatusCode.NotFound), Does.Contain("(plot) has no .png form"));
    }

    [Test]
    public async Task Previews_ServedAsPngAndJson()
    {
        EditorTestSupport.WaitFor(_session, s => s.Find("SwatchComponent")!.Previews.Count == 3, "previews");
        var png = await _http.GetAsync("api/components/SwatchComponent/previews/0.png");
        Assert.That(png.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
        Assert.That((await png.Content.ReadAsByteArrayAsync())[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        var plot = JsonNode.Parse(await _http.GetStringAsync("api/components/SwatchComponent/previews/1.json"))!;
        Assert.That(((string)plot["xLabel"]!, plot["series"]![0]!["y"]!.AsArray().Count), Is.EqualTo(("u", 64)));
        var session = JsonNode.Parse(await _http.GetStringAsync("api/session"))!;
        Assert.That((string)session["components"]![0]!["previews"]![0]!["png"]!, Does.StartWith("/api/components/SwatchComponent/previews/0.png?v="));
    }

    [Test]
    public async Task UndoRedo_OverHttp()
    {
        await Post("api/components/SwatchComponent/parameters", """{ "name": "Level", "value": 0.2 }""");
        var undo = JsonNode.Parse(await (await Post("api/undo", "")).Content.ReadAsStringAsync())!;
        Assert.That((double)undo["components"]!["SwatchComponent"]!["Level"]!, Is.EqualTo(0.5));
        Assert.That((await Post("api/redo", "")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Level(), Is.EqualTo(0.2f));
        await Post("api/redo", "");
        Assert.That(await ErrorOf(await Post("api/redo", ""), HttpStatusCode.Conflict), Is.EqualTo("nothing to redo"));
    }

    [Test]
    public async Task Presets_SaveLoadAndRejectCorruptFileWithoutChanges()
    {
        await Post("api/components/SwatchComponent/parameters", """{ "name": "Level", "value": 0.3 }""");
        Assert.That((await Post("api/presets/dim/save", "")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var list = JsonNode.Parse(await _http.GetStringAsync("api/presets"))!;
        Assert.That(list["names"]!.AsArray().Select(n => (string)n!), Does.Contain("dim"));
        await Post("api/components/SwatchComponent/parameters", """{ "name": "Level", "value": 0.9 }""");
        var load = await Post("api/presets/dim/load", "");
        Assert.That(load.StatusCode, Is.EqualTo(HttpStatusCode.OK), await load.Content.ReadAsStringAsync());
        Assert.That(Level(), Is.EqualTo(0.3f));

        File.WriteAllText(Path.Combine(_presets, "future.preset.json"),
            """{ "format": "fieldforge-editor-preset", "schemaVersion": 99, "components": { "SwatchComponent": { "Level": 1 } } }""");
        Assert.That(await ErrorOf(await Post("api/presets/future/load", ""), HttpStatusCode.BadRequest), Does.Contain("schema version 99 is not supported"));
        Assert.That(await ErrorOf(await Post("api/presets/missing/load", ""), HttpStatusCode.NotFound), Does.Contain("no preset named 'missing'"));
        Assert.That(await ErrorOf(await Post("api/presets/bad%20name/save", ""), HttpStatusCode.BadRequest), Does.Contain("preset name must be"));
        Assert.That(Level(), Is.EqualTo(0.3f));
    }

    [Test]
    public async Task CrossSiteRequests_Refused()
    {
        var plain = await _http.PostAsync("api/components/SwatchComponent/parameters", new StringContent("""{ "name": "Level", "value": 0.9 }""", Encoding.UTF8, "text/plain"));
        Assert.That(await ErrorOf(plain, HttpStatusCode.UnsupportedMediaType), Does.Contain("needs Content-Type: application/json, got 'text/plain"));
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "api/session");
        rebound.Headers.Host = "evil.example:7420";
        Assert.That(await ErrorOf(await _http.SendAsync(rebound), HttpStatusCode.Forbidden), Does.Contain("not 'evil.example:7420'"));
        Assert.That(Level(), Is.EqualTo(0.5f));
    }

    [Test]
    public async Task EnableToggle_Validated()
    {
        Assert.That(await ErrorOf(await Post("api/components/SwatchComponent/enabled", """{ "enabled": "yes" }"""), HttpStatusCode.BadRequest), Does.Contain("\"enabled\": true or false"));
        var res = await Post("api/components/SwatchComponent/enabled", """{ "enabled": true }""");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
