"""The mvs kernel: Jupyter's messages translated to and from mvs's kernel protocol (docs/kernel.md).

One `mvs --kernel-protocol` process lives as long as the kernel and holds every variable. Two reader
threads turn its stdout (JSON lines) and stderr (text) into events on one queue, so waiting for a cell
can be interrupted at any moment without losing a half-read message.
"""
import codecs
import json
import os
import queue
import signal
import subprocess
import threading

from ipykernel.kernelbase import Kernel

from . import __version__


class MvsDied(Exception):
    """The mvs process ended; the message says how (exit status or signal) and what it last wrote."""


class MvsProcess:
    """One `mvs --kernel-protocol` process: requests written to its stdin, events read from a queue."""

    STDERR_KEPT = 4000

    def __init__(self, binary):
        # Swift's crash backtracer was seen to hang for minutes after a fatal signal here, holding the
        # protocol pipe open: a crash would look like a long cell. Without it, mvs dies at once, and the
        # runtime's own message ("Fatal error: …") still reaches stderr. SWIFT_BACKTRACE set by the user wins.
        environment = dict(os.environ)
        environment.setdefault("SWIFT_BACKTRACE", "enable=no")
        self.process = subprocess.Popen([binary, "--kernel-protocol"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        self.events = queue.Queue()
        self.stderr_tail = ""
        self.last_id = 0
        self.stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.stderr_reader.start()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.ready = self.reply_to(None, kind="ready", timeout=60)

    def _read_stdout(self):
        for line in self.process.stdout:
            try:
                self.events.put(("message", json.loads(line)))
            except ValueError:
                # Not the protocol: show it rather than lose it.
                self.events.put(("stderr", line.decode("utf-8", "replace")))
        self.events.put(("eof", None))

    def _read_stderr(self):
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        descriptor = self.process.stderr.fileno()
        while True:
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            text = decoder.decode(chunk)
            self.stderr_tail = (self.stderr_tail + text)[-self.STDERR_KEPT:]
            self.events.put(("stderr", text))

    def send(self, kind, **fields):
        """Writes one request; returns its id."""
        self.last_id += 1
        line = json.dumps({"id": self.last_id, "type": kind, **fields}) + "\n"
        try:
            self.process.stdin.write(line.encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise MvsDied(self.death())
        return self.last_id

    def next_event(self, timeout=None):
        """The next (kind, payload) from mvs: a message, a piece of stderr, or ("eof", None)."""
        return self.events.get(timeout=timeout)

    def reply_to(self, request, kind="reply", timeout=None):
        """Waits for the reply to a request that streams nothing (complete, inspect, is_complete)."""
        while True:
            try:
                event, message = self.next_event(timeout=timeout)
            except queue.Empty:
                raise MvsDied(f"mvs did not answer within {timeout} s")
            if event == "eof":
                raise MvsDied(self.death())
            if event == "message" and message.get("type") == kind and message.get("id") == request:
                return message

    def interrupt(self):
        """Ctrl-C for the running cell: mvs stops it and keeps every variable."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)

    def death(self):
        """How the process ended, with the end of what it wrote to stderr."""
        try:
            status = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "mvs stopped answering (its output closed but the process is still running)"
        self.stderr_reader.join(timeout=2)
        if status < 0:
            try:
                how = f"mvs was killed by signal {signal.Signals(-status).name}"
            except ValueError:
                how = f"mvs was killed by signal {-status}"
        else:
            how = f"mvs exited with status {status}"
        tail = self.stderr_tail.strip()
        return how + (":\n" + tail if tail else "")

    def close(self):
        """Asks mvs to quit; stops it if it does not within two seconds."""
        if self.process.poll() is None:
            try:
                self.send("shutdown")
                self.process.wait(timeout=2)
            except (MvsDied, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


class MvsKernel(Kernel):
    """Jupyter kernel for the mvs language."""

    implementation = "mvs_kernel"
    implementation_version = __version__
    language = "mvs"
    language_version = "0.1.0"
    language_info = {"name": "mvs", "mimetype": "text/x-mvs", "file_extension": ".mvs", "version": "0.1.0"}
    banner = "mvs — model vector shell"
    #: The mvs binary; `python -m mvs_kernel --mvs PATH` (the installed kernel.json) sets it.
    binary = os.environ.get("MVS_BIN", "mvs")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._mvs = None
        self._start_error = None
        try:
            self._process()
        except (OSError, MvsDied) as error:
            # Reported at the first cell, where the user can read it.
            self._start_error = f"cannot start {self.binary}: {error}"

    @property
    def kernel_info(self):
        info = super().kernel_info
        # ipykernel offers subshells and its Python debugger; one mvs process answers one request at a time
        # and has no debugger, so neither is offered.
        info["supported_features"] = []
        return info

    def _process(self):
        if self._mvs is None:
            self._mvs = MvsProcess(self.binary)
            self.banner = self._mvs.ready.get("banner", self.banner)
            self.language_version = self.language_info["version"] = self._mvs.ready.get("mvs", self.language_version)
        return self._mvs

    # execute

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, **kwargs):
        if not code.strip():
            return self._reply("ok")
        try:
            if self._start_error:
                raise MvsDied(self._start_error)
            mvs = self._process()
            request = mvs.send("execute", code=code, count=self.execution_count)
            reply = self._run(mvs, request, silent)
        except MvsDied as died:
            return self._dead(str(died), silent)
        if "exit" in reply:
            # exit() in a cell ends the session; the next cell starts a fresh one.
            self._mvs = None
            return self._reply("ok", payload=[{"source": "ask_exit", "keepkernel": False}])
        if reply.get("status") == "error":
            content = {"ename": reply.get("name", "Error"), "evalue": reply.get("message", ""),
                       "traceback": reply.get("rendered", "").split("\n")}
            if not silent:
                self.send_response(self.iopub_socket, "error", content)
            return self._reply("error", **content)
        return self._reply("ok")

    def _run(self, mvs, request, silent):
        """Relays a cell's output until its reply. The last echoed value becomes the cell's result; one
        followed by other output is shown where it was echoed."""
        pending = None

        def flush():
            nonlocal pending
            if pending is not None and not silent:
                self.send_response(self.iopub_socket, "display_data", {"data": pending, "metadata": {}})
            pending = None

        while True:
            try:
                event, message = mvs.next_event(timeout=0.1)
            except queue.Empty:
                continue
            except KeyboardInterrupt:
                mvs.interrupt()
                continue
            if event == "eof":
                raise MvsDied(mvs.death())
            if event == "stderr":
                flush()
                if not silent:
                    self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": message})
                continue
            if message.get("id") != request:
                continue
            kind = message.get("type")
            if kind == "reply":
                if pending is not None and not silent:
                    self.send_response(self.iopub_socket, "execute_result",
                                       {"execution_count": self.execution_count, "data": pending, "metadata": {}})
                return message
            if kind == "result":
                flush()
                pending = message["data"]
                continue
            flush()
            if silent:
                continue
            if kind == "stream":
                self.send_response(self.iopub_socket, "stream", {"name": message["name"], "text": message["text"]})
            elif kind == "display":
                self.send_response(self.iopub_socket, "display_data", {"data": message["data"], "metadata": {}})
            elif kind == "progress":
                self.send_response(self.iopub_socket, "update_display_data" if message.get("update") else "display_data",
                                   {"data": message["data"], "metadata": {}, "transient": {"display_id": message["display_id"]}})

    def _dead(self, message, silent):
        """mvs is gone: say so in the cell, then end this kernel so the front-end shows it as dead."""
        content = {"ename": "DeadKernel", "evalue": message, "traceback": message.split("\n")}
        self.send_response(self.iopub_socket, "error", content)
        # Leave time for the reply and the error to reach the front-end.
        threading.Timer(1.0, os._exit, args=(70,)).start()
        return self._reply("error", **content)

    def _reply(self, status, **fields):
        content = {"status": status, "execution_count": self.execution_count}
        if status == "ok":
            content.update(payload=[], user_expressions={})
        content.update(fields)
        return content

    # complete, inspect, is_complete

    def _ask(self, kind, **fields):
        """A request that streams nothing; None when mvs is not there to answer."""
        try:
            mvs = self._process()
            return mvs.reply_to(mvs.send(kind, **fields), timeout=30)
        except (OSError, MvsDied):
            return None

    def do_complete(self, code, cursor_pos):
        cursor = len(code) if cursor_pos is None else cursor_pos
        answer = self._ask("complete", code=code, cursor=cursor) or {}
        return {"status": "ok", "matches": answer.get("matches", []), "cursor_start": answer.get("cursor_start", cursor),
                "cursor_end": answer.get("cursor_end", cursor), "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        cursor = len(code) if cursor_pos is None else cursor_pos
        answer = self._ask("inspect", code=code, cursor=cursor) or {}
        return {"status": "ok", "found": bool(answer.get("found")), "data": answer.get("data", {}), "metadata": {}}

    def do_is_complete(self, code):
        answer = self._ask("is_complete", code=code) or {}
        status = answer.get("status", "unknown")
        return {"status": status, "indent": ""} if status == "incomplete" else {"status": status}

    def do_shutdown(self, restart):
        if self._mvs is not None:
            self._mvs.close()
            self._mvs = None
        return {"status": "ok", "restart": restart}
