#!/usr/bin/env python3
"""Generates a benchmark corpus of N small projects from the repository's own test data.

Each project has a Dockerfile (taken in turn from the official-image subset, the
awesome-compose Dockerfiles and the rule fixtures: multi-stage builds, heredocs, build
arguments), a small build context (sources, a package manifest, sometimes a `.env`, a
`node_modules/` or `.git/` directory), a `.dockerignore` in two projects out of three,
and a compose file in one project out of four. The output is deterministic for a given N.

usage: bench/generate.py N OUTDIR
"""
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "crates", "core", "tests")


def seeds():
    """Every Dockerfile and compose file of the test data, sorted."""
    dockerfiles, composes = [], []
    for base in ("data/official", "data/compose/awesome-compose", "fixtures"):
        for dirpath, _, files in os.walk(os.path.join(DATA, base)):
            for name in files:
                path = os.path.join(dirpath, name)
                if name.startswith("Dockerfile") and not name.endswith(".dockerignore"):
                    dockerfiles.append(path)
                elif name in ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"):
                    composes.append(path)
    return sorted(dockerfiles), sorted(composes)


IGNORE = ".git\nnode_modules\n**/*.log\n.env\n*.pem\n"
CONTEXT = {
    "src/main.py": "print('hello')\n",
    "src/util/helpers.py": "def f():\n    return 1\n",
    "package.json": '{"name": "app", "version": "1.0.0"}\n',
    "README.md": "# app\n",
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    dockerfiles, composes = seeds()
    if not dockerfiles:
        sys.exit("no seed Dockerfiles found under crates/core/tests")
    rng = random.Random(20261129)
    if os.path.exists(out):
        shutil.rmtree(out)
    for i in range(n):
        project = os.path.join(out, f"p{i // 1000:03d}", f"project-{i:06d}")
        os.makedirs(os.path.join(project, "src", "util"), exist_ok=True)
        with open(dockerfiles[i % len(dockerfiles)], encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(project, "Dockerfile"), "w", encoding="utf-8") as f:
            f.write(text)
        for rel, content in CONTEXT.items():
            with open(os.path.join(project, rel), "w", encoding="utf-8") as f:
                f.write(content)
        if i % 3 != 2:
            with open(os.path.join(project, ".dockerignore"), "w", encoding="utf-8") as f:
                f.write(IGNORE)
        if rng.random() < 0.2:
            with open(os.path.join(project, ".env"), "w", encoding="utf-8") as f:
                f.write("API_URL=https://example.invalid\n")
        if rng.random() < 0.2:
            os.makedirs(os.path.join(project, "node_modules", "left-pad"), exist_ok=True)
            with open(os.path.join(project, "node_modules", "left-pad", "index.js"), "w", encoding="utf-8") as f:
                f.write("module.exports = (s) => s;\n")
        if composes and i % 4 == 0:
            with open(composes[i % len(composes)], encoding="utf-8") as f:
                compose = f.read()
            with open(os.path.join(project, "compose.yaml"), "w", encoding="utf-8") as f:
                f.write(compose)
    print(f"{n} projects in {out} ({len(dockerfiles)} seed Dockerfiles, {len(composes)} seed compose files)")


if __name__ == "__main__":
    main()
