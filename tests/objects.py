#!/usr/bin/env python3
"""What the built objects say of the source: its circles and its names.

Circles, as the linker sees them: A.o -> B.o when A.o leaves undefined a
symbol that B.o defines (nm -u against nm --defined-only -g).  A circle
is a strongly connected component of that graph.  The rule: no circle of
more than two files anywhere, and none at all inside daemon/, store/ or
notify/.

Names: in one program every external name says its module.  A symbol
defined in FOLDER/FILE.o starts with FILE_ or FOLDER_, or with one of
the prefixes PREFIXES grants that file (a family named for what it is:
x* for the allocator, hol_ for the holiday tables).

    objects.py BUILDDIR [-v]

prints every circle (with -v the edges inside each) and every name out
of place; exits 1 when a rule is broken.
"""
import os
import subprocess
import sys

LAYERS = ["lib", "market", "alerts", "providers", "config", "store",
          "notify", "daemon", "ctl"]
NONE_INSIDE = {"daemon", "store", "notify"}

# The prefixes a file may use besides FILE_ and FOLDER_ ("FOLDER/*": any
# file of the folder).
PREFIXES = {
    "lib/xmalloc": ["x", "tk_", "strlist_"],
    "lib/sink": ["fatal"],
    "lib/json": ["j"],
    "lib/utf8": ["text_"],
    "lib/clock": ["timer_"],
    "market/calendar": ["exchange_"],
    "market/holidays": ["hol_"],
    "market/holidays_asia": ["hol_"],
    "alerts/daily": ["dbar_"],
    "alerts/indicators": ["ind_"],
    "alerts/mailmsg": ["mail_"],
    "alerts/pushtext": ["ptext_", "alert_"],
    "alerts/rules": ["rule_", "rulestate_", "symref_"],
    "config/*": ["parse_"],
    "config/config": ["notifier_", "watch_"],
    "config/lexer": ["lex_"],
    "config/parse_push": ["push_"],
    "config/parse_rules": ["kw_", "rule_"],
    "config/parse_filing": ["kw_", "rule_"],
    "config/parse_watch": ["watch_"],
    "config/readers": ["kw_", "read_"],
    "daemon/backtest": ["replaying_"],
    "daemon/notice": ["heartbeat_"],
    "daemon/evaluate": ["judge_"],
    "daemon/tick": ["ticker_"],
    "daemon/tickerd": ["main"],
    "ctl/tickerctl": ["main"],
    "notify/child": ["children_"],
    "notify/mailid": ["mail_"],
    "notify/pushmsg": ["push_"],
    "providers/*": ["provider_", "feed_"],	# each its provider, its feed
    "store/outbox": ["outlist_", "outmsg_"],
}


def misnamed(name, syms):
    """The symbols of file `name' (FOLDER/FILE) that do not say it."""
    folder, f = name.split("/")
    ok = [f + "_", folder + "_"] + PREFIXES.get(name, []) + \
        PREFIXES.get(folder + "/*", [])
    return [s for s in syms if not any(s.startswith(p) for p in ok)]


def objects(build):
    objs = []
    for layer in LAYERS:
        d = os.path.join(build, layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".o"):
                objs.append(os.path.join(d, name))
    return objs


def nm(args, obj):
    """The symbols nm lists, but those the compiler makes (ASan's
    __odr_asan.NAME, __asan_*, ...)."""
    out = subprocess.run(["nm"] + args + [obj], capture_output=True,
                         text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    return [n for n in names if not n.startswith("__")]


def label(build, obj):
    rel = os.path.relpath(obj, build)[:-2]
    # automake names a program's objects PROG-FILE.o (with per-program
    # flags); protoc-c's are FILE.pb-c.o
    d, f = os.path.split(rel)
    if "-" in f and "." not in f.split("-", 1)[0]:
        f = f.split("-", 1)[1]
    return d + "/" + f


def sccs(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: circles.py BUILDDIR [-v]")
    build, verbose = sys.argv[1], "-v" in sys.argv[2:]
    defined, undefined, bad = {}, {}, 0
    for obj in objects(build):
        name = label(build, obj)
        if name.endswith(".pb-c"):
            continue        # protoc-c's, not ours to name
        syms = nm(["--defined-only", "-g"], obj)
        for s in misnamed(name, syms):
            print("FAIL: %s defines %s, a name that does not say its "
                  "module" % (name, s))
            bad += 1
        if name in ("daemon/tickerd", "ctl/tickerctl"):
            continue        # the programs' mains: nothing calls them
        for sym in syms:
            defined.setdefault(sym, name)
        undefined[name] = nm(["-u"], obj)
    edges, why = {}, {}
    for a, syms in undefined.items():
        for s in syms:
            b = defined.get(s)
            if b and b != a:
                edges.setdefault(a, set()).add(b)
                why.setdefault((a, b), []).append(s)
    files = 0
    comps = [c for c in sccs(sorted(undefined), edges) if len(c) > 1]
    for c in comps:
        files += len(c)
        dirs = {f.split("/")[0] for f in c}
        broken = len(c) > 2 or (len(dirs) == 1 and bool(dirs & NONE_INSIDE))
        bad += broken
        print("%s circle of %d: %s" % ("FAIL:" if broken else "    ",
                                       len(c), " ".join(c)))
        if verbose:
            for a in c:
                for b in sorted(edges.get(a, ())):
                    if b in c:
                        print("        %s -> %s: %s" % (a, b,
                              " ".join(sorted(why[(a, b)])[:6])))
    print("%d circles over %d of %d files; %d names out of place" % (
        len(comps), files, len(undefined), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
