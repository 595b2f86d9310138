using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

/// <summary>Issue 15, problems 2, 3, 4 and 7 over real HTTP: parallel preset saves, a newline in a preset name,
/// malformed bodies and preset files, 500s that are logged but say nothing to the client, framing and sniffing
/// headers, the Origin check and the exact media type.</summary>
public class EditorHttpHardeningTests : EditorServerFixture
{
    private Task<HttpResponseMessage> Post(string path, string body, string contentType = "application/json") =>
        _http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    private Task<HttpResponseMessage> PostBytes(string path, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return _http.PostAsync(path, content);
    }

    private static async Task<string> ErrorOf(HttpResponseMessage res, HttpStatusCode status)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.That(res.StatusCode, Is.EqualTo(status), text);
        return (string)JsonNode.Parse(text)!["error"]!;
    }

    private float Level() => (float)_session.Snapshot.Find("SwatchComponent")!.Values["Level"]!;

    [Test]
    public async Task Presets_TwentyParallelSavesAndLoads_AllSucceed()
    {
        Assert.That((await Post("api/presets/race/save", "")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var requests = Enumerable.Range(0, 40).Select(i => Post($"api/presets/race/{(i % 2 == 0 ? "save" : "load")}", "")).ToArray();
        var responses = await Task.WhenAll(requests);
        var failures = new List<string>();
        foreach (var r in responses)
            if (r.StatusCode != HttpStatusCode.OK) failures.Add($"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        Assert.That(failures, Is.Empty);
        Assert.That(Directory.GetFiles(_presets, "*.tmp"), Is.Empty, "no temporary files are left behind");
    }

    [TestCase("abc%0A")]
    [TestCase("abc%0D%0A")]
    [TestCase("%0Aabc")]
    public async Task PresetName_WithNewline_400AndNoFile(string name)
    {
        Assert.That(await ErrorOf(await Post($"api/presets/{name}/save", ""), HttpStatusCode.BadRequest), Does.Contain("preset name must be"));
        Assert.That(Directory.Exists(_presets) ? Directory.GetFiles(_presets).Where(f => f.Contains('\n')) : [], Is.Empty);
    }

    private static IEnumerable<TestCaseData> MalformedBodies()
    {
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{ "name": "Level", "value": 0.9, "value": 0.1 }"""), "duplicate key \"value\"").SetName("Body_DuplicateKeys_400");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{ "name": "Level", "name": "Level", "value": 0.9 }"""), "duplicate key \"name\"").SetName("Body_DuplicateName_400");
        yield return new TestCaseData(new byte[] { 0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d }, "not valid UTF-8").SetName("Body_InvalidUtf8_400");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{ "name": "\ud800", "value": 0.9 }"""), "cannot be decoded").SetName("Body_LoneSurrogateEscape_400");
        yield return new TestCaseData(Encoding.UTF8.GetBytes(new string('[', 40) + new string(']', 40)), "malformed JSON").SetName("Body_TooDeep_400");
    }

    [TestCaseSource(nameof(MalformedBodies))]
    public async Task SetParameter_MalformedBody_400NothingStored(byte[] body, string message)
    {
        int undo = _session.Snapshot.UndoCount;
        float level = Level();
        Assert.That(await ErrorOf(await PostBytes("api/components/SwatchComponent/parameters", body), HttpStatusCode.BadRequest), Does.Contain(message));
        Assert.That((Level(), _session.Snapshot.UndoCount), Is.EqualTo((level, undo)));
    }

    [TestCase("""{ "format": "fieldforge-editor-preset", "schemaVersion": 1, "components": { "SwatchComponent": { "Level": 0.1, "Level": 0.9 } } }""", "duplicate key \"Level\"")]
    [TestCase("""{ "format": "fieldforge-editor-preset", "format": "x", "schemaVersion": 1, "components": {} }""", "duplicate key \"format\"")]
    public async Task PresetFile_DuplicateKeys_400NothingApplied(string file, string message)
    {
        Directory.CreateDirectory(_presets);
        File.WriteAllText(Path.Combine(_presets, "dup.preset.json"), file);
        float level = Level();
        Assert.That(await ErrorOf(await Post("api/presets/dup/load", ""), HttpStatusCode.BadRequest), Does.Contain(message));
        Assert.That(Level(), Is.EqualTo(level));
    }

    [Test]
    public async Task PresetFile_InvalidUtf8OrEmpty_400()
    {
        Directory.CreateDirectory(_presets);
        File.WriteAllBytes(Path.Combine(_presets, "latin.preset.json"), Encoding.Latin1.GetBytes("""{ "format": "fieldforge-editor-preset", "schemaVersion": 1, "components": { "SwatchComponent": { "Texture": "café.png" } } }"""));
        Assert.That(await ErrorOf(await Post("api/presets/latin/load", ""), HttpStatusCode.BadRequest), Does.Contain("not valid UTF-8"));
        File.WriteAllBytes(Path.Combine(_presets, "empty.preset.json"), Array.Empty<byte>());
        Assert.That(await ErrorOf(await Post("api/presets/empty/load", ""), HttpStatusCode.BadRequest), Does.Contain("empty or not a regular file"));
        // A FIFO would block the reading thread until some writer appeared: refused without opening it.
        using (var mk = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_presets, "pipe.preset.json"))) mk.WaitForExit();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(await ErrorOf(await Post("api/presets/pipe/load", ""), HttpStatusCode.BadRequest), Does.Contain("empty or not a regular file"));
        Assert.That(sw.Elapsed.TotalSeconds, Is.LessThan(5));
        File.Delete(Path.Combine(_presets, "pipe.preset.json"));
    }

    [Test]
    public async Task UnexpectedFailure_500IsGenericForTheClientAndLoggedInFullOnTheServer()
    {
        // A preset "directory" that is a file: saving fails with an IOException carrying the absolute path.
        var blocker = Path.Combine(Path.GetTempPath(), $"ff-not-a-dir-{Guid.NewGuid():N}");
        File.WriteAllText(blocker, "x");
        var log = new List<string>();
        await using var server = await EditorServer.StartAsync(_session, new EditorServerOptions(Port: 0, PresetDirectory: blocker, ServerLog: line => { lock (log) log.Add(line); }));
        using var http = new HttpClient { BaseAddress = server.Url };
        try
        {
            var res = await http.PostAsync("api/presets/x/save", new StringContent("", Encoding.UTF8, "application/json"));
            var body = await res.Content.ReadAsStringAsync();
            Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError), body);
            Assert.That((string)JsonNode.Parse(body)!["error"]!, Is.EqualTo("internal error; the details are in the editor's log"));
            Assert.That(body, Does.Not.Contain(blocker).And.Not.Contain("Exception").And.Not.Contain("/tmp"));
            lock (log)
            {
                Assert.That(log, Has.Count.EqualTo(1));
                Assert.That(log[0], Does.Contain("POST /api/presets/x/save failed with 500").And.Contain("IOException").And.Contain(blocker));
            }
        }
        finally { File.Delete(blocker); }
    }

    [TestCase("")]
    [TestCase("api/session")]
    [TestCase("api/teapot")]
    [TestCase("app.js")]
    public async Task EveryResponse_RefusesFramingAndSniffing(string path)
    {
        var res = await _http.GetAsync(path);
        Assert.That(res.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }));
        Assert.That(res.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(res.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors 'none'").And.Contain("default-src 'self'"));
    }

    [TestCase("https://evil.example")]
    [TestCase("null")]
    [TestCase("http://127.0.0.1:1")]
    public async Task StateChangingRequest_FromAnotherOrigin_403AndNothingChanged(string origin)
    {
        float level = Level();
        using var req = new HttpRequestMessage(HttpMethod.Post, "api/components/SwatchComponent/parameters")
        {
            Content = new StringContent("""{ "name": "Level", "value": 0.77 }""", Encoding.UTF8, "application/json"),
        };
        req.Headers.Add("Origin", origin);
        Assert.That(await ErrorOf(await _http.SendAsync(req), HttpStatusCode.Forbidden), Does.Contain("from another origin"));
        using var undo = new HttpRequestMessage(HttpMethod.Post, "api/undo") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        undo.Headers.Add("Origin", origin);
        Assert.That((await _http.SendAsync(undo)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(Level(), Is.EqualTo(level));
    }

    [Test]
    public async Task StateChangingRequest_CrossSiteFetchMetadataOrOwnOrigin()
    {
        using var cross = new HttpRequestMessage(HttpMethod.Post, "api/components/SwatchComponent/parameters")
        {
            Content = new StringContent("""{ "name": "Level", "value": 0.66 }""", Encoding.UTF8, "application/json"),
        };
        cross.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.That((await _http.SendAsync(cross)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var own = new HttpRequestMessage(HttpMethod.Post, "api/components/SwatchComponent/parameters")
        {
            Content = new StringContent("""{ "name": "Level", "value": 0.66 }""", Encoding.UTF8, "application/json"),
        };
        own.Headers.Add("Origin", $"http://127.0.0.1:{_server.Url.Port}");
        own.Headers.Add("Sec-Fetch-Site", "same-origin");
        var res = await _http.SendAsync(own);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
    }

    [TestCase("application/jsonp")]
    [TestCase("application/json-patch+json")]
    [TestCase("application/jsonx; charset=utf-8")]
    [TestCase("application/json; charset=iso-8859-1")]
    [TestCase("text/plain")]
    public async Task Post_NotExactlyJson_415(string contentType)
    {
        float level = Level();
        Assert.That(await ErrorOf(await PostBytes("api/components/SwatchComponent/parameters", Encoding.UTF8.GetBytes("""{ "name": "Level", "value": 0.12 }"""), contentType),
            HttpStatusCode.UnsupportedMediaType), Does.Contain("needs Content-Type: application/json"));
        Assert.That(Level(), Is.EqualTo(level));
    }

    [TestCase("application/json")]
    [TestCase("Application/JSON; charset=UTF-8")]
    public async Task Post_Json_Accepted(string contentType)
    {
        var res = await PostBytes("api/components/SwatchComponent/parameters", Encoding.UTF8.GetBytes("""{ "name": "Level", "value": 0.25 }"""), contentType);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
    }
}
