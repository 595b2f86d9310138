using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FieldForge.Tests.Acoustics;

/// <summary>
/// A throw-away single-node Slurm cluster on localhost for tests: its own munged (private key and socket), slurmctld
/// and slurmd started from a generated minimal slurm.conf in a temporary directory, all on free ports. Dispose stops
/// the three daemons it started (by their pid files) and deletes the directory. Installs Debian's slurm-wlm daemons
/// and munge with apt-get when they are missing.
/// </summary>
internal sealed class LocalSlurm : IDisposable
{
    private readonly List<string> _pidFiles = new();

    private LocalSlurm(string root) => Root = root;

    /// <summary>The cluster's directory (config, state, logs).</summary>
    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, "slurm.conf");

    /// <summary>Starts the cluster, or returns null with the reason when Slurm cannot be installed or run here.</summary>
    public static LocalSlurm? TryStart(out string reason)
    {
        reason = "";
        if (!OperatingSystem.IsLinux()) { reason = "Slurm runs on Linux only"; return null; }
        if (!EnsureInstalled(out reason)) return null;
        var cluster = new LocalSlurm(Path.Combine(Path.GetTempPath(), $"ff-slurm-{Guid.NewGuid():N}"));
        try
        {
            cluster.Start();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private static bool EnsureInstalled(out string reason)
    {
        reason = "";
        string[] needed = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/sbin/mungekey", "/usr/bin/sbatch"];
        if (needed.All(File.Exists)) return true;
        if (!File.Exists("/usr/bin/apt-get")) { reason = "Slurm is not installed and this is not a Debian/Ubuntu machine (no apt-get)"; return false; }
        bool root = Environment.UserName == "root" || Run("id", "-u", check: false).Output.Trim() == "0";
        string prefix = root ? "" : "sudo -n ";
        if (!root && Run("sudo", "-n true", check: false).ExitCode != 0) { reason = "Slurm is not installed and installing it needs root (not root, no password-less sudo)"; return false; }
        TestContext.Progress.WriteLine("[slurm] installing slurmctld slurmd slurm-client munge with apt-get");
        const string packages = "slurmctld slurmd slurm-client munge";
        var install = Run("bash", $"-c \"{prefix}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {packages}\"", check: false, timeoutSeconds: 600);
        if (install.ExitCode != 0)
            install = Run("bash", $"-c \"{prefix}apt-get update -qq && {prefix}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {packages}\"", check: false, timeoutSeconds: 600);
        if (install.ExitCode != 0 || !needed.All(File.Exists))
        {
            reason = $"apt-get could not install Slurm (exit {install.ExitCode}): {Tail(install.Output)}";
            return false;
        }
        return true;
    }

    private void Start()
    {
        foreach (var d in new[] { "munge", "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(Root, d));
        var munge = Path.Combine(Root, "munge");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(munge, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string socket = Path.Combine(munge, "munge.sock");
        Run("/usr/sbin/mungekey", $"--create --keyfile={munge}/munge.key");
        _pidFiles.Add(Path.Combine(munge, "munged.pid"));
        Daemon("/usr/sbin/munged", $"--force --socket={socket} --key-file={munge}/munge.key --log-file={munge}/munged.log --pid-file={munge}/munged.pid --seed-file={munge}/munged.seed");

        var host = Environment.MachineName.Split('.')[0];
        int ctlPort = FreePort(), dPort = FreePort();
        while (dPort == ctlPort) dPort = FreePort();
        File.WriteAllText(ConfigPath, $"""
            ClusterName=fftest
            SlurmctldHost={host}(127.0.0.1)
            SlurmctldPort={ctlPort}
            SlurmdPort={dPort}
            SlurmUser={Environment.UserName}
            SlurmdUser={Environment.UserName}
            AuthType=auth/munge
            AuthInfo=socket={socket}
            CredType=cred/munge
            StateSaveLocation={Root}/state
            SlurmdSpoolDir={Root}/spool
            SlurmctldPidFile={Root}/slurmctld.pid
            SlurmdPidFile={Root}/slurmd.pid
            SlurmctldLogFile={Root}/log/slurmctld.log
            SlurmdLogFile={Root}/log/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            SchedulerType=sched/backfill
            MpiDefault=none
            ReturnToService=2
            SlurmdParameters=config_overrides
            InactiveLimit=0
            MinJobAge=600
            KillWait=5
            JobRequeue=1
            NodeName=ffnode NodeAddr=127.0.0.1 CPUs=4 RealMemory=8000 State=UNKNOWN
            PartitionName=ff Nodes=ffnode Default=YES MaxTime=INFINITE State=UP

            """.Replace("            ", "", StringComparison.Ordinal));
        _pidFiles.Add(Path.Combine(Root, "slurmctld.pid"));
        Daemon("/usr/sbin/slurmctld", $"-f {ConfigPath}");
        _pidFiles.Add(Path.Combine(Root, "slurmd.pid"));
        Daemon("/usr/sbin/slurmd", $"-N ffnode -f {ConfigPath}");
        var deadline = Stopwatch.StartNew();
        while (Slurm("sinfo", "-h -o %T", check: false).Output.Trim() != "idle")
        {
            if (deadline.Elapsed.TotalSeconds > 60)
                throw new InvalidOperationException($"the local Slurm node did not become idle in 60 s:\n{Logs()}");
            Thread.Sleep(250);
        }
    }

    /// <summary>Runs a Slurm client command against this cluster; throws on failure when <paramref name="check"/>.</summary>
    public (int ExitCode, string Output) Slurm(string command, string arguments, bool check = true) =>
        Run(command, arguments, check, env: new() { ["SLURM_CONF"] = ConfigPath });

    /// <summary>The state of one array task (e.g. RUNNING, CANCELLED, COMPLETED, PENDING), from scontrol.</summary>
    public string TaskState(string jobId, int task)
    {
        var output = Slurm("scontrol", $"show job {jobId}_{task}", check: false).Output;
        int at = output.IndexOf("JobState=", StringComparison.Ordinal);
        return at < 0 ? "UNKNOWN" : output[(at + 9)..].Split(' ', '\n')[0];
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with the cluster's logs after the timeout.</summary>
    public void WaitFor(Func<bool> condition, double seconds, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds) Assert.Fail($"timed out after {seconds} s waiting for {what}\n{Logs()}");
            Thread.Sleep(100);
        }
    }

    /// <summary>The tail of each daemon log, for failure messages.</summary>
    public string Logs() => string.Join("\n", Directory.GetFiles(Path.Combine(Root, "log")).Select(f => $"--- {Path.GetFileName(f)}\n{Tail(File.ReadAllText(f))}"));

    public void Dispose()
    {
        // Cancel whatever a failed test left queued or running (only this cluster's jobs: SLURM_CONF points here).
        if (File.Exists(ConfigPath) && _pidFiles.Count == 3)
        {
            try
            {
                Slurm("scancel", $"--user={Environment.UserName}", check: false);
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < 15 && Slurm("squeue", "-h", check: false).Output.Trim().Length > 0) Thread.Sleep(200);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception) { }
        }
        // Stop slurmd, slurmctld and munged (reverse start order); each was started by this object and wrote its pid.
        for (int i = _pidFiles.Count - 1; i >= 0; i--)
        {
            if (!File.Exists(_pidFiles[i]) || !int.TryParse(File.ReadAllText(_pidFiles[i]).Trim(), out int pid)) continue;
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(10_000);
            }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
        }
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    // Daemons fork and keep running: give them no pipe of ours to hold open (their start-up output goes to a file).
    private void Daemon(string file, string arguments)
    {
        var log = Path.Combine(Root, "log", Path.GetFileName(file) + ".start.log");
        Run("bash", $"-c \"{file} {arguments} </dev/null >>{log} 2>&1\"");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string Tail(string s) => s.Length <= 3000 ? s : s[^3000..];

    internal static (int ExitCode, string Output) Run(string file, string arguments, bool check = true, Dictionary<string, string>? env = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeoutSeconds} s");
        }
        var output = stdout + stderr.Result;
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed (exit {p.ExitCode}): {output}");
        return (p.ExitCode, output);
    }
}
