using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

/// <summary>One editor server in-process on a free port for a whole fixture: a swatch session, a preset folder of its
/// own under the temp folder, and an HttpClient on the server's address; all removed after the fixture.</summary>
public abstract class EditorServerFixture
{
    protected EditorSession _session = null!;
    protected EditorServer _server = null!;
    protected HttpClient _http = null!;
    protected string _presets = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _presets = Path.Combine(Path.GetTempPath(), $"ff-{GetType().Name}-{Guid.NewGuid():N}");
        _session = EditorTestSupport.StartSwatchSession();
        _server = await EditorServer.StartAsync(_session, new EditorServerOptions(Port: 0, PresetDirectory: _presets));
        _http = new HttpClient { BaseAddress = _server.Url };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _session.Dispose();
        if (Directory.Exists(_presets)) Directory.Delete(_presets, recursive: true);
    }
}
