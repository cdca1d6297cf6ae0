#!/usr/bin/env python3
"""Check an events file (JSON Lines, docs/events.md) against its schema.

    events_check.py SCHEMA EVENTS [--last PHASE:OUTCOME] [--has PHASE:OUTCOME[:STEP]]...

Every line must be one JSON object valid under SCHEMA (docs/events.schema.json),
the "seq" fields must count 1, 2, 3, ... and the "serial" field, once
present, must not change. --last: the last line's phase and outcome.
--has: some line has that phase, outcome (and step). Prints one line per
problem and "N events: ok" at the end; exit status 1 when anything failed.

The validator is Python's standard library only, for the subset of JSON
Schema (draft 2020-12) the schema uses: type, const, enum, required,
properties, additionalProperties, pattern, minimum, exclusiveMinimum,
minLength, maxLength, allOf, if/then/else. A schema keyword outside that
subset is an error (the schema must not rely on one this does not check).
When the jsonschema package happens to be installed, it validates every
line as well, as a second opinion.
"""

import json
import re
import sys

KNOWN = {"$schema", "title", "description", "type", "const", "enum", "required",
         "properties", "additionalProperties", "pattern", "minimum", "exclusiveMinimum",
         "minLength", "maxLength", "allOf", "if", "then", "else"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(schema, value, path="$"):
    """The list of problems of `value` under `schema` (empty: valid)."""
    errors = []
    unknown = set(schema) - KNOWN
    if unknown:
        return ["%s: schema keyword(s) not supported: %s" % (path, ", ".join(sorted(unknown)))]
    t = schema.get("type")
    if t is not None and not TYPES[t](value):
        return ["%s: %r is not of type %s" % (path, value, t)]
    if "const" in schema and value != schema["const"]:
        errors.append("%s: %r is not %r" % (path, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r is not one of %s" % (path, value, schema["enum"]))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append("%s: %r does not match /%s/" % (path, value, schema["pattern"]))
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append("%s: shorter than %d" % (path, schema["minLength"]))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append("%s: longer than %d" % (path, schema["maxLength"]))
    if TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append("%s: %r < %r" % (path, value, schema["minimum"]))
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append("%s: %r <= %r" % (path, value, schema["exclusiveMinimum"]))
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                errors.append("%s: %s is missing" % (path, k))
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                errors += validate(props[k], v, "%s.%s" % (path, k))
            elif schema.get("additionalProperties") is False:
                errors.append("%s: %s is not a field of the schema" % (path, k))
    for sub in schema.get("allOf", []):
        errors += validate(sub, value, path)
    if "if" in schema:
        if not validate(schema["if"], value, path):
            errors += validate(schema.get("then", {}), value, path)
        else:
            errors += validate(schema.get("else", {}), value, path)
    return errors


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    schema = json.load(open(argv[1], encoding="utf-8"))
    last = None
    has = []
    i = 3
    while i < len(argv):
        if argv[i] == "--last" and i + 1 < len(argv):
            last = argv[i + 1]
        elif argv[i] == "--has" and i + 1 < len(argv):
            has.append(argv[i + 1])
        else:
            print("unknown argument %s" % argv[i], file=sys.stderr)
            return 2
        i += 2
    other = None
    try:
        import jsonschema  # a second opinion, when installed
        other = jsonschema.Draft202012Validator(schema)
    except Exception:  # not installed, or too old for draft 2020-12
        other = None
    problems = []
    events = []
    serial = None
    try:
        f = open(argv[2], "rb")
    except OSError as e:
        print("%s: cannot open: %s" % (argv[2], e.strerror))
        return 1
    with f:
        for n, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                problems.append("line %d: does not end with a newline" % n)
            try:
                ev = json.loads(raw.decode("ascii"))
            except (UnicodeDecodeError, ValueError) as e:
                problems.append("line %d: not one JSON object in ASCII: %s" % (n, e))
                continue
            problems += ["line %d: %s" % (n, p) for p in validate(schema, ev)]
            if other is not None:
                problems += ["line %d: jsonschema: %s" % (n, e.message)
                             for e in other.iter_errors(ev)]
            if isinstance(ev, dict):
                if ev.get("seq") != n:
                    problems.append("line %d: seq is %r, want %d" % (n, ev.get("seq"), n))
                if "serial" in ev:
                    if serial is not None and ev["serial"] != serial:
                        problems.append("line %d: serial changed from %r" % (n, serial))
                    serial = ev["serial"]
                events.append(ev)
    if not events:
        problems.append("no events")
    if last and events:
        want = last.split(":")
        got = [events[-1].get("phase"), events[-1].get("outcome")]
        if got != want:
            problems.append("the last event is %s, want %s" % (":".join(map(str, got)), last))
    for h in has:
        want = h.split(":")
        keys = ["phase", "outcome", "step"][:len(want)]
        if not any([e.get(k) for k in keys] == want for e in events):
            problems.append("no event %s" % h)
    for p in problems:
        print(p)
    print("%d events: %s" % (len(events), "ok" if not problems else
                              "%d problem(s)" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
