#!/usr/bin/env python3
"""Size figures of the Swift tree (issue 24's before/after table): the largest files, the longest
functions and initialisers, and the lines over 120 and 140 characters.

Usage: python3 tools/code_size.py [REPOSITORY] [--top N]   (REPOSITORY defaults to this checkout)
Functions are found by their declaration (`func`, `init`, `subscript`) and measured to the brace that
closes them, skipping braces inside string literals and comments.
"""
import os
import re
import sys

FOLDERS = ["Sources", "Envs", "Tests", "Examples"]
DECLARATION = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|fileprivate|open|final|static|class|override|mutating|"
                         r"nonisolated|convenience|required|@inlinable|@usableFromInline)\s+)*(func\s+[^\s(<]+|init[?!]?|subscript)\s*[(<]")


def swift_files(root):
    for folder in FOLDERS:
        for directory, subdirectories, files in os.walk(os.path.join(root, folder)):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            for name in files:
                if name.endswith(".swift"):
                    yield os.path.join(directory, name)


def code_braces(line, in_block_comment):
    """The braces of a line outside strings and comments, and whether a block comment stays open."""
    result, index, in_string = [], 0, False
    while index < len(line):
        pair = line[index:index + 2]
        if in_block_comment:
            if pair == "*/":
                in_block_comment, index = False, index + 2
                continue
        elif in_string:
            if line[index] == "\\":
                index += 2
                continue
            if line[index] == '"':
                in_string = False
        elif pair == "//":
            break
        elif pair == "/*":
            in_block_comment, index = True, index + 2
            continue
        elif line[index] == '"':
            in_string = True
        elif line[index] in "{}":
            result.append(line[index])
        index += 1
    return result, in_block_comment


def functions(path, lines):
    found, in_comment = [], False
    open_functions = []  # (name, start line, depth at which its body opened)
    depth = 0
    for number, line in enumerate(lines, 1):
        match = DECLARATION.match(line)
        if match and not in_comment:
            # A declaration still waiting for its body had none (a protocol requirement).
            open_functions = [entry for entry in open_functions if entry[2] is not None]
            open_functions.append([match.group(1).replace("func ", ""), number, None])
        braces, in_comment = code_braces(line, in_comment)
        for brace in braces:
            if brace == "{":
                depth += 1
                for entry in open_functions:
                    if entry[2] is None:
                        entry[2] = depth
            else:
                open_functions = [entry for entry in open_functions if entry[2] is not None]
                if open_functions and open_functions[-1][2] == depth:
                    name, start, _ = open_functions.pop()
                    found.append((number - start + 1, f"{path}:{start} {name}"))
                depth -= 1
    return found


def main():
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 10
    if "--top" in sys.argv:
        arguments.remove(str(top))
    root = arguments[0] if arguments else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sizes, all_functions, over120, over140, total = [], [], 0, 0, 0
    for path in swift_files(root):
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().split("\n")
        relative = os.path.relpath(path, root)
        sizes.append((len(lines), relative))
        total += len(lines)
        over120 += sum(len(line) > 120 for line in lines)
        over140 += sum(len(line) > 140 for line in lines)
        all_functions += functions(relative, lines)
    print(f"Swift files: {len(sizes)}, lines: {total}, lines over 120 characters: {over120}, over 140: {over140}")
    print(f"files over 450 lines: {sum(size > 450 for size, _ in sizes)}")
    print(f"largest files:")
    for size, path in sorted(sizes, reverse=True)[:top]:
        print(f"  {size:5d}  {path}")
    print(f"longest functions:")
    for size, where in sorted(all_functions, reverse=True)[:top]:
        print(f"  {size:5d}  {where}")


main()
