"""A real single-node Slurm cluster (munge, slurmctld, slurmd from Debian's slurm-wlm) under one private folder.

Everything lives in a folder of its own (configuration, keys, sockets, state, logs); the daemons run in the
foreground as children of the test, are stopped by PID (never by name), and are stopped on failure too.
Facts behind the configuration: ../shared/docs/slurm.md (no systemd, no cgroups, no accounting database).
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port():
    """A TCP port nothing listens on now (the kernel's pick for port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlurmCluster:
    def __init__(self, cpus=4):
        # mktemp makes 0700 folders; munge's socket folder and its parents must be world-executable.
        self.folder = tempfile.mkdtemp(prefix="mvs-slurm-")
        os.chmod(self.folder, 0o755)
        self.cpus = cpus
        self.processes = []
        self.conf = os.path.join(self.folder, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def start(self):
        for sub in ["munge", "state", "spool", "log"]:
            os.makedirs(self.path(sub), mode=0o755, exist_ok=True)
            os.chmod(self.path(sub), 0o755)
        subprocess.run(["mungekey", "-c", "-k", self.path("munge", "munge.key")], check=True, capture_output=True)
        self._spawn(["munged", "--foreground", "--force", f"--key-file={self.path('munge', 'munge.key')}",
                     f"--socket={self.path('munge', 'munge.sock')}", f"--pid-file={self.path('munge', 'munged.pid')}",
                     f"--log-file={self.path('log', 'munged.log')}", f"--seed-file={self.path('munge', 'munged.seed')}"])
        self._wait(lambda: os.path.exists(self.path("munge", "munge.sock")), "munged's socket")
        # Ports of their own: other checkouts may run this test at the same time on the same machine.
        controller, node = free_port(), free_port()
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=mvs-test
SlurmctldHost=localhost
SlurmctldPort={controller}
SlurmdPort={node}
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.path('munge', 'munge.sock')}
StateSaveLocation={self.path('state')}
SlurmdSpoolDir={self.path('spool')}
SlurmctldPidFile={self.path('slurmctld.pid')}
SlurmdPidFile={self.path('slurmd.pid')}
SlurmctldLogFile={self.path('log', 'slurmctld.log')}
SlurmdLogFile={self.path('log', 'slurmd.log')}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs={self.cpus} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""")
        self._spawn(["slurmctld", "-D", "-f", self.conf])
        self._spawn(["slurmd", "-D", "-f", self.conf, "-N", "localhost"])
        self._wait(lambda: self.run(["sinfo", "-h", "-n", "localhost", "-o", "%t"]).stdout.strip() == "idle", "the node to be idle")

    def _spawn(self, command):
        log = open(self.path("log", os.path.basename(command[0]) + ".console"), "w")
        self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env))

    def _wait(self, ready, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[0]} exited {process.returncode} while waiting for {what}; logs in {self.path('log')}")
            if ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"waited {timeout} s for {what}; logs in {self.path('log')}")

    def run(self, command, check=False, **kwargs):
        return subprocess.run(command, env=self.env, capture_output=True, text=True, check=check, **kwargs)

    def wait_for_jobs(self, ids, timeout=90):
        """Polls squeue until none of `ids` is queued or running (sbatch --wait backs off too slowly)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.run(["squeue", "-h", "-j", ",".join(ids)]).stdout.strip():
                return
            time.sleep(0.2)
        raise TimeoutError(f"jobs {ids} still queued after {timeout} s:\n" + self.run(["squeue"]).stdout)

    def job_states(self, job):
        """{array task id or None: JobState} from `scontrol -o show job` (no accounting database here)."""
        states = {}
        for line in self.run(["scontrol", "-o", "show", "job", job]).stdout.splitlines():
            fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
            task = fields.get("ArrayTaskId")
            states[int(task) if task and task.isdigit() else None] = fields.get("JobState")
        return states

    def stop(self):
        """TERM slurmd and slurmctld, wait for them, then munged; all by PID. Safe to call twice."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes = []
        shutil.rmtree(self.folder, ignore_errors=True)
