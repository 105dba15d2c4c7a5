"""`make editor-check`: opens an exercise file in sourcekit-lsp, the language server every Swift
editor set-up uses (VS Code's Swift extension, Neovim, Emacs, Zed, …), and checks what a learner's
editor shows: a compile error in the file, and completions after `Producer().`.

It speaks the Language Server Protocol over the server's standard input and output, as an editor
does, with the package's root as the workspace. Exit status 0 when both work, 1 with the reason.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
FILE = os.path.join(ROOT, "Exercises/4-dependencies/TopSongs.swift")
# Generous: the first time, the server builds Plumb's module for the index before it can answer.
LIMIT = float(os.environ.get("EDITOR_CHECK_SECONDS", "300"))


class Server:
    def __init__(self):
        self.process = subprocess.Popen(
            ["sourcekit-lsp"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def receive(self):
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("editor check: sourcekit-lsp stopped")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def answer(self, message):
        # The server's own requests (progress tokens, configuration) need an answer to go on.
        if "id" in message and "method" in message:
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})


def main(server):
    deadline = time.time() + LIMIT
    uri = "file://" + FILE
    server.request("initialize", {
        "processId": os.getpid(), "rootUri": "file://" + ROOT,
        "capabilities": {"textDocument": {"publishDiagnostics": {}, "completion": {}},
                         "window": {"workDoneProgress": True}},
    })
    text = open(FILE).read()
    # What a learner might have typed: a mistake, and the start of a call on a task.
    broken = text + "\nlet editorCheckMistake: Int = \"five\"\nlet editorCheckTask = Producer()\n"
    completion_line = broken.count("\n")
    broken += "let editorCheckOutput = editorCheckTask.\n"
    opened = False
    diagnostics = None
    completions = None
    completion_id = None
    while time.time() < deadline and (diagnostics is None or completions is None):
        message = server.receive()
        if os.environ.get("EDITOR_CHECK_DEBUG"): print(json.dumps(message)[:300], file=sys.stderr)
        server.answer(message)
        if message.get("id") == 1 and not opened:
            server.notify("initialized", {})
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "swift", "version": 1, "text": broken}})
            opened = True
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            found = [d["message"] for d in message["params"]["diagnostics"]]
            if any("cannot convert value of type 'string'" in m.lower() for m in found):
                diagnostics = found
        if opened and completion_id is None and diagnostics is not None:
            completion_id = server.request("textDocument/completion", {
                "textDocument": {"uri": uri},
                "position": {"line": completion_line, "character": len("let editorCheckOutput = editorCheckTask.")}})
        if completion_id is not None and message.get("id") == completion_id:
            result = message.get("result") or {}
            items = result.get("items", []) if isinstance(result, dict) else result
            labels = [item["label"] for item in items]
            if any(label.startswith("output(") for label in labels):
                completions = labels
            else:
                # Not ready yet (the index was still being built): ask again.
                time.sleep(1)
                completion_id = server.request("textDocument/completion", {
                    "textDocument": {"uri": uri},
                    "position": {"line": completion_line,
                                 "character": len("let editorCheckOutput = editorCheckTask.")}})
    if diagnostics is None:
        raise SystemExit("editor check: no compile error shown for %s within %d s" % (FILE, LIMIT))
    if completions is None:
        raise SystemExit("editor check: no completion offering output() after `Producer().` within %d s" % LIMIT)
    print("editor check: sourcekit-lsp shows the error (%s) and completes Producer(). with %d items, output() among them"
          % (diagnostics[0], len(completions)))


server = Server()
try:
    main(server)
finally:
    server.process.kill()
    server.process.wait()
