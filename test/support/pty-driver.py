"""Runs a command in a pseudo-terminal, as a person would: when the output shows PROMPT, pastes PASTE as one
write (a terminal delivers a paste as one chunk, line end included). Prints everything the terminal showed
and exits with the command's exit code. Used by test/ops/cli-prompt.int.test.ts."""
import os
import pty
import select
import sys
import time

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

prompt = os.environ["PROMPT"].encode()
paste = os.environ["PASTE"].encode()
shown = b""
pasted = False
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:  # the command ended and closed the terminal
        break
    if not data:
        break
    shown += data
    if not pasted and prompt in shown:
        time.sleep(0.3)
        os.write(fd, paste)
        pasted = True
sys.stdout.buffer.write(shown)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
