#!/usr/bin/env python3
"""Finishes the man pages that ArgumentParser's generate-manual writes.

  man-finish.py BIN_DIR PAGE...

Each option's default (from `TOOL --experimental-dump-help`, what `--help`
shows) is added to its description, and a tool without subcommands loses the
'help' subcommand the generator lists for every command (`nms help` is not a
command), and blank lines become paragraph breaks (.Pp). Pages are rewritten
in place."""
import json
import os
import re
import subprocess
import sys


def defaults(command):
    """Long option name -> default, for the options (not flags) of a command."""
    out = {}
    for argument in command.get("arguments", []):
        if argument.get("kind") != "option" or argument.get("defaultValue") is None:
            continue
        longs = [n["name"] for n in argument.get("names", []) if n["kind"] in ("long", "longWithSingleDash")]
        if longs:
            out[longs[0]] = argument["defaultValue"]
    return out


def finish(page, bin_dir):
    tool = os.path.basename(page)[:-2]
    dump = subprocess.run([os.path.join(bin_dir, tool), "--experimental-dump-help"],
                          capture_output=True, check=True, text=True)
    root = json.loads(dump.stdout)["command"]
    tables = {None: defaults(root)}
    for sub in root.get("subcommands", []):
        tables[sub["commandName"]] = defaults(sub)
    has_subcommands = any(s["commandName"] != "help" for s in root.get("subcommands", []))

    lines = open(page).read().split("\n")
    out, current, pending, description = [], None, None, None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".") and pending is not None and description is not None:
            out[description] += f" (default: {pending})"
            pending = None
        if line.startswith(".It") or line.startswith(".El"):
            pending, description = None, None
        if line == ".Ar subcommand" and not has_subcommands:
            i += 1
            continue
        if line == ".It Em help" and not has_subcommands:
            # Skip the entry and its nested list, up to the list's .El.
            while not lines[i].startswith(".El"):
                i += 1
            i += 1
            continue
        match = re.match(r"\.It Em (\S+)$", line)
        if match:
            current = match.group(1)
        if line.startswith(".It Fl"):
            longs = [t[1:] for t in line.split()[2:] if t.startswith("-")]
            if longs:
                pending = tables.get(current, {}).get(longs[0])
        elif not line.startswith(".") and line and pending is not None:
            description = len(out)
        out.append(line)
        i += 1
    # A blank line inside the text is a paragraph break: .Pp (groff warns
    # about empty input lines); the file's final newline stays.
    body, end = out[:-1] if out and out[-1] == "" else out, out[-1:] == [""]
    paragraphs = [".Pp" if line == "" else line for line in body]
    with open(page, "w") as f:
        f.write("\n".join(paragraphs) + ("\n" if end else ""))


if __name__ == "__main__":
    for page in sys.argv[2:]:
        finish(page, sys.argv[1])
